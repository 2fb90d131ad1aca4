import { createHash, randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { isProcessAlive } from "./is-process-alive.js";

/*
 * Temporary files are named `<target>.tmp-<host>-<pid>-<random>` (host: 8 hex digits of a hash
 * of the host name), in the target's directory so that a rename over the target is atomic. The
 * name says who made it, so an orphan left by a killed process can be told from a live
 * process's in-flight write (which must not be removed) and cleaned up by the next keysync.
 */

const HOST_TAG = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
const TAIL = /^([0-9a-f]{8})-(\d+)-[0-9a-f]{8}$/;

/** A fresh, unique temporary path beside `target`, owned by this process. */
export function tempPathFor(target: string): string {
  const tag = `${HOST_TAG}-${process.pid}-${randomBytes(4).toString("hex")}`;
  return join(dirname(target), `${basename(target)}.tmp-${tag}`);
}

/**
 * Removes the temporary files of `target` that processes on this host left behind when they
 * died (a crash or `kill -9` between creating a temp file and renaming it). Leaves alone those
 * of live processes, of this process, and of other hosts (a shared directory). Best effort:
 * files that cannot be listed or removed are left. Returns the names removed.
 */
export async function removeOrphanTemps(target: string): Promise<readonly string[]> {
  const dir = dirname(target);
  const prefix = `${basename(target)}.tmp-`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = TAIL.exec(name.slice(prefix.length));
    if (match?.[1] !== HOST_TAG) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    try {
      await rm(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // Left for a later run; it never stands in the way of a write.
    }
  }
  return removed;
}
