/**
 * What apply did, by plan address (`SET/KID`, or `SET` for a whole-set delete), in plan order.
 * `failed` actions may or may not have taken effect on Ory; the state file records an intent for
 * each, settled on the next run. `notAttempted` actions sent no request.
 */
export interface ApplyResult {
  readonly done: readonly string[];
  readonly failed: readonly { readonly address: string; readonly message: string }[];
  readonly notAttempted: readonly string[];
  /** Stopped early by SIGINT/SIGTERM after the requests in flight finished. */
  readonly interrupted: boolean;
}
