import type { AcquireLockOptions } from "../state/lock.js";
import type { LockOperation } from "../state/lock-info.js";
import { describeLockWait, describeStaleTakeover } from "../state/lock-info.js";
import type { Io } from "./io.js";

/** Lock options for a command: messages about waiting and stale takeovers go to stderr. */
export function lockOptions(
  operation: LockOperation,
  timeoutMs: number,
  stateDisplay: string,
  io: Io,
): AcquireLockOptions {
  return {
    operation,
    timeoutMs,
    display: stateDisplay,
    signal: io.signal,
    onWait: (holder) => {
      io.stderr.write(`${describeLockWait(holder, timeoutMs)}\n`);
    },
    onStaleTakeover: (stale) => {
      io.stderr.write(`${describeStaleTakeover(stale)}\n`);
    },
  };
}
