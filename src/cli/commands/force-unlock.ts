import { forceUnlock } from "../../state/lock.js";
import type { CommandContext } from "../main.js";
import { resolvePaths } from "../paths.js";

export interface ForceUnlockOptions {
  /** Read only to find the default state path beside it. */
  readonly file: string;
  readonly state?: string | undefined;
}

/**
 * `keysync force-unlock LOCK_ID`: removes the state lock if its ID is `lockId`. The ID is the
 * confirmation (no prompt); a wrong ID or no lock is an error naming what is there.
 */
export async function runForceUnlock(
  lockId: string,
  opts: ForceUnlockOptions,
  { io }: CommandContext,
): Promise<number> {
  const { statePath, stateDisplay } = resolvePaths(io.cwd, opts.file, opts.state);
  await forceUnlock(statePath, lockId, stateDisplay);
  io.stdout.write(`Lock ${lockId} removed.\n`);
  return 0;
}
