import { errnoCode } from "../fs/describe-fs-error.js";

/**
 * Whether a process with this PID exists on this machine (signal 0 checks without signalling).
 * `ESRCH` is the only answer taken as "gone": `EPERM` means it exists under another user, and
 * anything unexpected, or a PID that is not a positive integer, is taken as alive, so a caller
 * that removes files of dead processes errs towards leaving them.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return errnoCode(error) !== "ESRCH";
  }
}
