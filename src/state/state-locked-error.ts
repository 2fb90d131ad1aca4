import { LockError } from "../errors.js";
import { describeLockHolder, formatDuration } from "./lock-info.js";
import type { LockInfo } from "./lock-info.js";

/**
 * The state is locked by a holder that may be alive, and the wait (`--lock-timeout`) is over.
 * `message` is one line with every fact; `lines()` lays them out like Terraform's "Lock Info"
 * block and says how to proceed. `holder` is for callers that want the facts.
 */
export class StateLockedError extends LockError {
  constructor(
    readonly display: string,
    readonly holder: LockInfo,
    readonly waitedMs: number,
  ) {
    super(
      `${display} is locked by another keysync: ${describeLockHolder(holder)}. If you are sure no ` +
        `keysync is running on it, remove the lock with: keysync force-unlock ${holder.ID}`,
    );
  }

  override lines(): readonly string[] {
    const h = this.holder;
    const waited = this.waitedMs > 0 ? ` (waited ${formatDuration(this.waitedMs)})` : "";
    return [
      `Error: ${this.display} is locked by another keysync${waited}`,
      `  Lock ID:   ${h.ID}`,
      `  Operation: ${h.Operation}`,
      `  Who:       ${h.Who}`,
      `  Process:   pid ${h.PID} on ${h.Host}`,
      `  Created:   ${h.Created}`,
      `  Version:   keysync ${h.Version}`,
      "Run again when it has finished, or pass --lock-timeout (e.g. --lock-timeout 5m) to wait for it.",
      `If you are sure no keysync is running on it, remove the lock with: keysync force-unlock ${h.ID}`,
    ];
  }
}
