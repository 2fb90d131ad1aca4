/**
 * What `onRetry` receives when an attempt failed and another will follow: enough for a line
 * such as `GET /admin/keys/foo: 503, retrying in 1.2s (attempt 2 of 5)`. By construction it
 * holds no body, header, token or key material: only names, numbers and keysync's own words.
 */
export interface RetryEvent {
  /** `GET /admin/keys/foo`: method and path below the target URL (IDs are safe, see key-id.ts). */
  readonly operation: string;
  /** The HTTP status of the failed attempt, or null when no answer came. */
  readonly status: number | null;
  /** Why the attempt failed: `503`, `429`, `connection dropped`, `no answer within 30 s`. */
  readonly reason: string;
  /** The attempt that comes next (2 after the first failure), counting from 1. */
  readonly nextAttempt: number;
  readonly maxAttempts: number;
  /** How long keysync waits before it (milliseconds). */
  readonly delayMs: number;
  /**
   * `resend`: the same request goes again after the wait. `check-first`: an ambiguous POST —
   * keysync first reads `checkKid` to learn whether the lost attempt created the key, and sends
   * the POST again only if it did not.
   */
  readonly next: "resend" | "check-first";
  /** The kid read before a POST is re-sent (only with `next: "check-first"`). */
  readonly checkKid: string | null;
  /** The event as one line for stderr: `formatRetryEvent` of the fields above. */
  readonly message: string;
}

/** An event's fields, before `message` is added. */
export type RetryEventFields = Omit<RetryEvent, "message">;

/** Completes an event with its `message`. */
export function retryEvent(fields: RetryEventFields): RetryEvent {
  return { ...fields, message: formatRetryEvent(fields) };
}

/** Receives retry events; must not throw (an exception is ignored). */
export type RetryListener = (event: RetryEvent) => void;

/**
 * One line for stderr, e.g. `GET /admin/keys/foo: 503, retrying in 1.2s (attempt 2 of 5)` or
 * `POST /admin/keys/foo: connection dropped, checking whether key "k1" exists in 0.5s before
 * retrying (attempt 2 of 5)`.
 */
export function formatRetryEvent(event: RetryEventFields): string {
  const wait = `${(event.delayMs / 1000).toFixed(1)}s`;
  const of = `(attempt ${event.nextAttempt} of ${event.maxAttempts})`;
  if (event.next === "check-first") {
    const what = event.checkKid === null ? "the key" : `key "${event.checkKid}"`;
    return `${event.operation}: ${event.reason}, checking whether ${what} exists in ${wait} before retrying ${of}`;
  }
  return `${event.operation}: ${event.reason}, retrying in ${wait} ${of}`;
}
