import { randomUUID } from "node:crypto";
import { link, lstat, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { createExclusive } from "./atomic-write.js";
import { errnoCode } from "../fs/describe-fs-error.js";
import { MAX_LOCK_FILE_BYTES } from "./held-locks.js";
import { isProcessAlive } from "./is-process-alive.js";
import { readRegularFile } from "../fs/read-regular-file.js";
import { tempPathFor } from "./temp-files.js";

/** A guard older than this is abandoned: holders keep it for milliseconds, never seconds. */
export const GUARD_ABANDONED_MS = 10_000;

/** A held takeover guard; `release` removes it if it is still ours. */
export interface TakeoverGuard {
  release(): Promise<void>;
}

/**
 * Takes `<lock>.takeover`, the short-lived file that serialises stale-lock takeovers, so that two
 * processes finding the same dead holder cannot both replace its lock. Returns null when another
 * live process holds the guard (the caller retries shortly).
 *
 * A guard is abandoned when its holder (on this host) is gone or it is older than
 * `GUARD_ABANDONED_MS`; an abandoned guard is moved aside and checked to be the one judged (each
 * guard holds a unique token) before it is deleted, so a guard just taken by a live process is
 * put back instead. Throws the file-system error for anything but `EEXIST`/`ENOENT`.
 */
export async function takeGuard(guardPath: string): Promise<TakeoverGuard | null> {
  const token = randomUUID();
  const text = `${JSON.stringify({ token, pid: process.pid, host: hostname() })}\n`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await createExclusive(guardPath, text);
      return {
        release: async () => {
          await removeIfContent(guardPath, text);
        },
      };
    } catch (error: unknown) {
      if (errnoCode(error) !== "EEXIST") throw error;
    }
    if (!(await removeAbandoned(guardPath))) return null;
  }
  return null;
}

async function removeAbandoned(guardPath: string): Promise<boolean> {
  let text: string | null;
  let mtimeMs: number;
  try {
    text = await guardText(guardPath);
    if (text === null) return true;
    mtimeMs = (await lstat(guardPath)).mtimeMs;
  } catch (error: unknown) {
    if (errnoCode(error) === "ENOENT") return true;
    throw error;
  }
  const holder = parseGuard(text);
  const gone = holder !== null && holder.host === hostname() && !isProcessAlive(holder.pid);
  if (!gone && Date.now() - mtimeMs <= GUARD_ABANDONED_MS) return false;
  return removeIfContent(guardPath, text);
}

/**
 * Removes `path` only if it holds exactly `text`: moves it aside (atomic), checks, and puts it
 * back if it turned out to be another one. Returns whether it removed it (or it was gone).
 */
async function removeIfContent(path: string, text: string): Promise<boolean> {
  const aside = tempPathFor(path);
  try {
    await rename(path, aside);
  } catch (error: unknown) {
    if (errnoCode(error) === "ENOENT") return true;
    throw error;
  }
  const moved = await guardText(aside).catch(() => null);
  if (moved !== text) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
  return moved === text;
}

function parseGuard(text: string): { pid: number; host: string } | null {
  try {
    const doc = JSON.parse(text) as unknown;
    if (typeof doc !== "object" || doc === null) return null;
    const { pid, host } = doc as { pid?: unknown; host?: unknown };
    return typeof pid === "number" && typeof host === "string" ? { pid, host } : null;
  } catch {
    return null;
  }
}

/**
 * What a guard holds: its text, null when it is gone, or `NOT_A_GUARD` for anything that is not
 * a small regular file (a FIFO must not hang the takeover; it is abandoned after the usual age).
 */
async function guardText(path: string): Promise<string | null> {
  const read = await readRegularFile(path, MAX_LOCK_FILE_BYTES, "lock files");
  if (read.kind === "absent") return null;
  return read.kind === "bytes" ? Buffer.from(read.bytes).toString("utf8") : NOT_A_GUARD;
}

/** Never the text of a guard keysync wrote (those are JSON). */
const NOT_A_GUARD = "\u0000not a regular file";
