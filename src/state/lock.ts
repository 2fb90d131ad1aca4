import { randomUUID } from "node:crypto";
import { link, readFile, rename, rm } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { AbortedError, FileError, LockError } from "../errors.js";
import { KEYSYNC_VERSION } from "../version.js";
import { createExclusive } from "./atomic-write.js";
import { describeFsError, errnoCode } from "./describe-fs-error.js";
import { isProcessAlive } from "./is-process-alive.js";
import { describeLockHolder, formatLockInfo, parseLockInfo } from "./lock-info.js";
import type { LockInfo, LockOperation } from "./lock-info.js";
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

/** The lock file guarding `statePath`. */
export function lockPathFor(statePath: string): string {
  return `${statePath}.lock`;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1000;
/** How long to let another process finish a takeover it is in the middle of. */
const TAKEOVER_GRACE_MS = 2000;

/**
 * Takes the lock on `statePath` by creating `<state>.lock` exclusively, already complete (it is
 * written beside and hard-linked into place, so nobody ever reads a half-written lock).
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
export async function acquireLock(statePath: string, options: AcquireLockOptions): Promise<StateLock> {
  const path = lockPathFor(statePath);
  const display = options.display ?? statePath;
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
    if (await tryCreate(path, text, display)) return heldLock(path, info, display);
    const holder = await readLock(path, display);
    if (holder === null) continue; // released between our attempt and the read: try again now
    if (isStale(holder)) {
      const outcome = await takeOver(path, holder, text, display);
      if (outcome === "taken") {
        options.onStaleTakeover?.(holder);
        return heldLock(path, info, display);
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
 * held on …"), when the ID differs (naming the actual holder), or when the lock file does not
 * parse (it is left for a human to delete).
 */
export async function forceUnlock(statePath: string, lockId: string, display = statePath): Promise<LockInfo> {
  const path = lockPathFor(statePath);
  const holder = await readLock(path, display);
  if (holder === null) throw new LockError(`no lock is held on ${display}`);
  const shown = /^[\x21-\x7E]{1,255}$/.test(lockId) ? `${lockId} ` : "";
  const mismatch = (actual: LockInfo): LockError =>
    new LockError(`lock ID ${shown}does not match the lock on ${display}: ${describeLockHolder(actual)}`);
  if (holder.ID !== lockId) throw mismatch(holder);
  const outcome = await removeIfHeldBy(path, lockId, display);
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

function heldLock(path: string, info: LockInfo, display: string): StateLock {
  let releasing: Promise<void> | undefined;
  return {
    info,
    path,
    release: () => {
      releasing ??= removeIfHeldBy(path, info.ID, display).then(() => undefined);
      return releasing;
    },
  };
}

function isStale(holder: LockInfo): boolean {
  return holder.Host === hostname() && holder.PID !== process.pid && !isProcessAlive(holder.PID);
}

async function tryCreate(path: string, text: string, display: string): Promise<boolean> {
  try {
    await createExclusive(path, text);
    return true;
  } catch (error: unknown) {
    if (errnoCode(error) === "EEXIST") return false;
    throw new FileError(`cannot create the lock file ${display}.lock: ${describeFsError(error)}`);
  }
}

/** The lock at `path`, null if there is none; `LockError` if it does not parse. */
async function readLock(path: string, display: string): Promise<LockInfo | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error: unknown) {
    if (errnoCode(error) === "ENOENT") return null;
    throw new FileError(`cannot read the lock file ${display}.lock: ${describeFsError(error)}`);
  }
  const info = parseLockInfo(text);
  if (info === null) {
    throw new LockError(
      `${display}.lock exists but is not a keysync lock file (it does not parse); keysync left it ` +
        `alone. If no keysync is running on ${display}, delete that file by hand`,
    );
  }
  return info;
}

/**
 * Replaces the stale lock `stale` with ours, holding the takeover guard. "lost": the lock is no
 * longer `stale` (someone else got there first); "busy": another process holds the guard.
 */
async function takeOver(
  path: string,
  stale: LockInfo,
  text: string,
  display: string,
): Promise<"taken" | "lost" | "busy"> {
  let guard;
  try {
    guard = await takeGuard(`${path}.takeover`);
  } catch (error: unknown) {
    throw new FileError(`cannot create ${display}.lock.takeover: ${describeFsError(error)}`);
  }
  if (guard === null) return "busy";
  try {
    const outcome = await removeIfHeldBy(path, stale.ID, display);
    if (outcome !== "removed" && outcome !== "absent") return "lost";
    return (await tryCreate(path, text, display)) ? "taken" : "lost";
  } finally {
    await guard.release().catch(() => undefined);
  }
}

/**
 * Removes the lock at `path` only if it holds `lockId`. Reads first (a lock that is not ours is
 * never touched), then moves it aside atomically and checks again, putting back a lock that
 * changed hands in between. Returns "removed", "absent", or the lock that is there instead.
 */
async function removeIfHeldBy(
  path: string,
  lockId: string,
  display: string,
): Promise<"removed" | "absent" | LockInfo> {
  const current = await readLock(path, display).catch(() => undefined);
  if (current === null || current === undefined) return "absent";
  if (current.ID !== lockId) return current;
  const aside = tempPathFor(path);
  try {
    await rename(path, aside);
  } catch (error: unknown) {
    if (errnoCode(error) === "ENOENT") return "absent";
    throw new FileError(`cannot remove the lock file ${display}.lock: ${describeFsError(error)}`);
  }
  const moved = parseLockInfo(await readFile(aside, "utf8").catch(() => ""));
  if (moved?.ID !== lockId) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
  return moved === null ? "absent" : moved.ID === lockId ? "removed" : moved;
}
