import { randomUUID } from "node:crypto";
import { link, rename, rm } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AbortedError, FileError, LockError } from "../errors.js";
import { KEYSYNC_VERSION } from "../version.js";
import { createExclusive } from "./atomic-write.js";
import { describeFsError, errnoCode } from "../fs/describe-fs-error.js";
import { forgetHeldLock, MAX_LOCK_FILE_BYTES, registerHeldLock } from "./held-locks.js";
import { isProcessAlive } from "./is-process-alive.js";
import { describeHolder, formatLockInfo, parseLockInfo } from "./lock-info.js";
import type { LockInfo, LockOperation } from "./lock-info.js";
import { readRegularFile } from "../fs/read-regular-file.js";
import { realPathOf } from "../fs/real-path.js";
import { StateLockedError } from "./state-locked-error.js";
import { takeGuard } from "./takeover-guard.js";
import { removeOrphanTemps, tempPathFor } from "./temp-files.js";

export interface AcquireLockOptions {
  readonly operation: LockOperation;
  /** How long to wait for a live holder before giving up; 0 fails at once (`--lock-timeout`). */
  readonly timeoutMs: number;
  /** How the state file is named in messages; defaults to the path. */
  readonly display?: string;
  /** Aborting stops the wait with `AbortedError`. */
  readonly signal?: AbortSignal;
  /** Called once, when the lock is found held and keysync starts waiting for it. */
  readonly onWait?: (holder: LockInfo) => void;
  /** Called after a stale lock (holder gone, on this host) has been taken over. */
  readonly onStaleTakeover?: (stale: LockInfo) => void;
}

/** A held state lock. */
export interface StateLock {
  readonly info: LockInfo;
  readonly path: string;
  /** Removes the lock file if it still holds this lock's ID. Idempotent; never removes another's. */
  release(): Promise<void>;
}

/** The lock file beside a state file's one name (`realPathOf`). */
export function lockPathFor(statePath: string): string {
  return `${statePath}.lock`;
}

/** Where the lock of the state at `statePath` lives, and how messages name it. */
interface LockPlace {
  /** The state's one name: symlinks of the file and of its directory resolved. */
  readonly statePath: string;
  readonly path: string;
  /** `<display>.lock` when that is where it is; its real path when a symlink led elsewhere. */
  readonly display: string;
}

/**
 * The lock is derived from the real state file, never from the path as given: writes follow
 * symlinks to the real file, so a lock beside a symlink (or in a symlinked directory's other
 * name) would let a second keysync reach the same file through another path, unlocked.
 */
async function lockPlace(statePath: string, display: string): Promise<LockPlace> {
  const real = await realPathOf(statePath);
  const path = lockPathFor(real);
  return { statePath: real, path, display: real === resolve(statePath) ? `${display}.lock` : path };
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1000;
/** How long to let another process finish a takeover it is in the middle of. */
const TAKEOVER_GRACE_MS = 2000;

/**
 * Takes the lock on `statePath` by creating `<state>.lock` exclusively, already complete (it is
 * written beside and hard-linked into place, so nobody ever reads a half-written lock). `<state>`
 * is the state file's real path (`realPathOf`), whatever symlinks or `..` led to it.
 *
 * When the lock exists:
 * - Held by a process on this host that is gone (`kill(pid, 0)` says ESRCH): the lock is stale
 *   and is taken over, one process at a time (takeover-guard.ts), after re-reading it and checking
 *   it is still the lock judged stale; `onStaleTakeover` is told.
 * - Otherwise the holder may be alive: wait, retrying after 100 ms, doubling up to 1 s, until
 *   `timeoutMs` has passed, then throw `StateLockedError` (a `LockError`) naming the lock ID,
 *   operation, who, host, PID and time, and saying how to proceed.
 * - A lock file that does not parse is refused with a `LockError` and left alone.
 * File-system failures are `FileError`s; an abort while waiting is an `AbortedError`.
 */
export async function acquireLock(given: string, options: AcquireLockOptions): Promise<StateLock> {
  const display = options.display ?? given;
  const place = await lockPlace(given, display);
  const { path, statePath } = place;
  const id = randomUUID();
  await removeOrphanTemps(path);
  await removeOrphanTemps(`${path}.takeover`);
  const started = Date.now();
  const pause = async (ms: number): Promise<void> => {
    try {
      await sleep(Math.max(1, ms), undefined, options.signal === undefined ? {} : { signal: options.signal });
    } catch {
      throw new AbortedError("interrupted while waiting for the state lock");
    }
  };
  let delay = FIRST_DELAY_MS;
  let waiting = false;
  for (;;) {
    if (options.signal?.aborted === true)
      throw new AbortedError("interrupted while waiting for the state lock");
    // Built per attempt, so that `Created` is when the lock was taken, not when waiting began.
    const info = newLockInfo(id, options.operation, statePath);
    const text = formatLockInfo(info);
    if (await tryCreate(place, text)) return heldLock(place, info);
    const holder = await readLock(place, display);
    if (holder === null) continue; // released between our attempt and the read: try again now
    if (isStale(holder)) {
      const outcome = await takeOver(place, holder, text);
      if (outcome === "taken") {
        options.onStaleTakeover?.(holder);
        return heldLock(place, info);
      }
      if (outcome === "lost") continue;
      // "busy": another process is taking the stale lock over right now; let it finish.
      if (Date.now() - started < TAKEOVER_GRACE_MS) {
        await pause(50);
        continue;
      }
    }
    const remaining = started + options.timeoutMs - Date.now();
    if (remaining <= 0) throw new StateLockedError(display, holder, options.timeoutMs);
    if (!waiting) options.onWait?.(holder);
    waiting = true;
    await pause(Math.min(delay, remaining));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/**
 * `keysync force-unlock`: removes the lock on `statePath` if its ID is `lockId` (the ID is the
 * confirmation) and returns what it held. Throws `LockError` when there is no lock ("no lock is
 * held on …"), when the ID differs, or when the lock file does not parse (it is left for a human
 * to delete).
 *
 * A wrong ID is answered with the holder's pid, host, operation and time, never its ID: the ID
 * is the proof that whoever removes a lock has seen it, and echoing it would let anyone remove
 * any lock by guessing once and pasting the answer.
 */
export async function forceUnlock(statePath: string, lockId: string, display = statePath): Promise<LockInfo> {
  const place = await lockPlace(statePath, display);
  const holder = await readLock(place, display);
  if (holder === null) throw new LockError(`no lock is held on ${display}`);
  const shown = /^[\x21-\x7E]{1,255}$/.test(lockId) ? `${lockId} ` : "";
  const mismatch = (actual: LockInfo): LockError =>
    new LockError(
      `lock ID ${shown}does not match the lock on ${display} (${describeHolder(actual)}); ` +
        `keysync left it in place`,
    );
  if (holder.ID !== lockId) throw mismatch(holder);
  const outcome = await removeIfHeldBy(place, lockId);
  if (outcome === "absent") throw new LockError(`no lock is held on ${display}`);
  if (outcome !== "removed") throw mismatch(outcome);
  return holder;
}

function newLockInfo(id: string, operation: LockOperation, statePath: string): LockInfo {
  const host = hostname();
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env["USER"] ?? `uid-${process.getuid?.() ?? "unknown"}`;
  }
  return {
    ID: id,
    Operation: operation,
    Who: `${user}@${host}`,
    Host: host,
    PID: process.pid,
    Created: new Date().toISOString(),
    Version: KEYSYNC_VERSION,
    Path: statePath,
  };
}

function heldLock(place: LockPlace, info: LockInfo): StateLock {
  let releasing: Promise<void> | undefined;
  // Known to the last-resort release (held-locks.ts) until the lock file is gone.
  registerHeldLock(place.path, info.ID);
  return {
    info,
    path: place.path,
    release: () => {
      releasing ??= removeIfHeldBy(place, info.ID).then(() => {
        forgetHeldLock(place.path, info.ID);
      });
      return releasing;
    },
  };
}

function isStale(holder: LockInfo): boolean {
  return holder.Host === hostname() && holder.PID !== process.pid && !isProcessAlive(holder.PID);
}

async function tryCreate(place: LockPlace, text: string): Promise<boolean> {
  try {
    await createExclusive(place.path, text);
    return true;
  } catch (error: unknown) {
    if (errnoCode(error) === "EEXIST") return false;
    throw new FileError(`cannot create the lock file ${place.display}: ${describeFsError(error)}`);
  }
}

/**
 * The lock at `place`, null if there is none; `LockError` if it does not parse or is not a
 * regular file of lock size (a FIFO there must not hang keysync, nor /dev/zero fill its memory).
 */
async function readLock(place: LockPlace, display: string): Promise<LockInfo | null> {
  let read;
  try {
    read = await readRegularFile(place.path, MAX_LOCK_FILE_BYTES, "lock files");
  } catch (error: unknown) {
    throw new FileError(`cannot read the lock file ${place.display}: ${describeFsError(error)}`);
  }
  if (read.kind === "absent") return null;
  const info = read.kind === "bytes" ? parseLockInfo(Buffer.from(read.bytes).toString("utf8")) : null;
  if (info === null) {
    const why = read.kind === "refused" ? `it ${read.reason}` : "it does not parse";
    throw new LockError(
      `${place.display} exists but is not a keysync lock file (${why}); keysync left it ` +
        `alone. If no keysync is running on ${display}, delete that file by hand`,
    );
  }
  return info;
}

/** A lock file's text, or "" for anything that is not a regular file of lock size. */
async function lockText(path: string): Promise<string> {
  const read = await readRegularFile(path, MAX_LOCK_FILE_BYTES, "lock files").catch(() => null);
  return read?.kind === "bytes" ? Buffer.from(read.bytes).toString("utf8") : "";
}

/**
 * Replaces the stale lock `stale` with ours, holding the takeover guard. "lost": the lock is no
 * longer `stale` (someone else got there first); "busy": another process holds the guard.
 */
async function takeOver(place: LockPlace, stale: LockInfo, text: string): Promise<"taken" | "lost" | "busy"> {
  let guard;
  try {
    guard = await takeGuard(`${place.path}.takeover`);
  } catch (error: unknown) {
    throw new FileError(`cannot create ${place.display}.takeover: ${describeFsError(error)}`);
  }
  if (guard === null) return "busy";
  try {
    const outcome = await removeIfHeldBy(place, stale.ID);
    if (outcome !== "removed" && outcome !== "absent") return "lost";
    return (await tryCreate(place, text)) ? "taken" : "lost";
  } finally {
    await guard.release().catch(() => undefined);
  }
}

/**
 * Removes the lock at `path` only if it holds `lockId`. Reads first (a lock that is not ours is
 * never touched), then moves it aside atomically and checks again, putting back a lock that
 * changed hands in between. Returns "removed", "absent", or the lock that is there instead.
 */
async function removeIfHeldBy(place: LockPlace, lockId: string): Promise<"removed" | "absent" | LockInfo> {
  const { path } = place;
  const current = await readLock(place, place.display).catch(() => undefined);
  if (current === null || current === undefined) return "absent";
  if (current.ID !== lockId) return current;
  const aside = tempPathFor(path);
  try {
    await rename(path, aside);
  } catch (error: unknown) {
    if (errnoCode(error) === "ENOENT") return "absent";
    throw new FileError(`cannot remove the lock file ${place.display}: ${describeFsError(error)}`);
  }
  const moved = parseLockInfo(await lockText(aside));
  if (moved?.ID !== lockId) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
  return moved === null ? "absent" : moved.ID === lockId ? "removed" : moved;
}
