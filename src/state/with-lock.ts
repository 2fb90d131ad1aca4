import { acquireLock } from "./lock.js";
import type { AcquireLockOptions, StateLock } from "./lock.js";

/**
 * Runs `body` holding the lock on `statePath`, and releases the lock however `body` ends. If
 * `body` fails, its error is the one thrown (a failed release must not hide why the command
 * failed); if only the release fails, that error is thrown, since the lock file was left behind.
 */
export async function withStateLock<T>(
  statePath: string,
  options: AcquireLockOptions,
  body: (lock: StateLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(statePath, options);
  let result: T;
  try {
    result = await body(lock);
  } catch (error: unknown) {
    await lock.release().catch(() => undefined);
    throw error;
  }
  await lock.release();
  return result;
}
