import { linkSync, renameSync, rmSync } from "node:fs";
import { parseLockInfo } from "./lock-info.js";
import { readRegularFileSync } from "../fs/read-regular-file.js";
import { tempPathFor } from "./temp-files.js";

/** Lock files are a few hundred bytes; a lock-info text field is at most 4096 characters. */
export const MAX_LOCK_FILE_BYTES = 64 * 1024;

/**
 * The state locks this process holds (lock file path → lock ID), so that a process that must
 * exit at once (a second SIGINT/SIGTERM, or a graceful stop that ran out of time) can remove
 * its own locks first: otherwise the next run on another host, or in a container whose PIDs are
 * reused, would find the state locked by a process that no longer exists.
 */
const held = new Map<string, string>();

export function registerHeldLock(path: string, id: string): void {
  held.set(path, id);
}

export function forgetHeldLock(path: string, id: string): void {
  if (held.get(path) === id) held.delete(path);
}

/**
 * Removes every lock this process still holds, synchronously (nothing asynchronous runs after
 * `process.exit`), and only where the lock file still holds this process's ID: moved aside,
 * checked again, and put back if it changed hands in between, as the asynchronous release does.
 * Best effort and silent: it runs on the way out, where nothing can be reported any more.
 */
export function releaseHeldLocksSync(): void {
  for (const [path, id] of held) {
    held.delete(path);
    try {
      if (lockIdAt(path) !== id) continue;
      const aside = tempPathFor(path);
      renameSync(path, aside);
      if (lockIdAt(aside) !== id) {
        try {
          linkSync(aside, path);
        } catch {
          // Someone else's lock is already back in place (or the directory is gone).
        }
      }
      rmSync(aside, { force: true });
    } catch {
      // On the way out: a lock left behind is stale (its PID is gone) and taken over next time.
    }
  }
}

function lockIdAt(path: string): string | undefined {
  const bytes = readRegularFileSync(path, MAX_LOCK_FILE_BYTES);
  return bytes === null ? undefined : parseLockInfo(Buffer.from(bytes).toString("utf8"))?.ID;
}
