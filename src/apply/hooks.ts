import type { Action } from "../plan/types.js";
import type { Settlement } from "../state/settle.js";

/**
 * How the applier reports progress (Terraform's `Hook`): it never prints. The CLI turns these
 * into progress lines on stderr; tests record them.
 */
export interface ApplyHooks {
  /** A step of an action is about to send its request (a regenerate has two steps). */
  onStep(action: Action, step: ActionStep): void;
  onDone(action: Action, detail: { thumbprint: string | null }): void;
  onFailed(action: Action, message: string): void;
  /** An unfinished write from an earlier run was settled by reading its set. */
  onSettled(settlement: Settlement): void;
}

export type ActionStep = "generating" | "uploading" | "deleting-key" | "deleting-set";

export const silentHooks: ApplyHooks = {
  onStep: () => undefined,
  onDone: () => undefined,
  onFailed: () => undefined,
  onSettled: () => undefined,
};
