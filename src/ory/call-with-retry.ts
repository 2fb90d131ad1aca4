import type { OryError } from "../errors.js";
import { answerError, failureError } from "./answer-errors.js";
import type { AttemptLog } from "./answer-errors.js";
import { backoffDelay } from "./backoff.js";
import { retryEvent } from "./retry-event.js";
import type { RetryEventFields } from "./retry-event.js";
import type { ResponseBody } from "./response-body.js";
import { operationName, sendAttempt } from "./send-attempt.js";
import type { AttemptResult, OryOperation } from "./send-attempt.js";
import type { StoreContext } from "./store-context.js";
import { describeFailure, formatSeconds, isRetryableFailure } from "./transport-failure.js";

/** An answer the caller interprets: a 2xx, or a status that is never retried (404, 400, 409…). */
export interface FinalAnswer {
  readonly status: number;
  readonly body: ResponseBody;
}

/**
 * Statuses worth another attempt: 429 (Ory refused before processing) and 5xx except 501
 * (Not Implemented will not change). Every other status is final.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * The least a retry must wait, from the answer's headers: `Retry-After` on any status, and on
 * a 429 also `x-ratelimit-reset` (hydra-jwk-contract.md §12). Null when the server said nothing.
 */
export function retryHintMs(result: AttemptResult): number | null {
  if (result.kind !== "answer") return null;
  const { retryAfterMs, resetMs } = result.rate;
  const reset = result.status === 429 ? resetMs : null;
  if (retryAfterMs === null && reset === null) return null;
  return Math.max(retryAfterMs ?? 0, reset ?? 0);
}

/** Why an attempt failed, in a few words: `503`, `connection dropped`. */
export function reasonOf(ctx: StoreContext, result: AttemptResult): string {
  return result.kind === "answer" ? String(result.status) : describeFailure(result.failure, ctx.timeoutMs);
}

/** Calls `onRetry`, ignoring a listener that throws: reporting must not change the outcome. */
export function emitRetry(ctx: StoreContext, fields: RetryEventFields): void {
  try {
    ctx.onRetry(retryEvent(fields));
  } catch {
    // a broken listener is not keysync's failure
  }
}

/** The error for a retryable outcome that ends the loop (budget spent or a too-long wait). */
export function finalError(
  ctx: StoreContext,
  op: OryOperation,
  result: AttemptResult,
  log: AttemptLog,
): OryError {
  const name = operationName(op);
  return result.kind === "answer"
    ? answerError(ctx, name, result.status, result.body, log)
    : failureError(ctx, name, result.failure, log);
}

/**
 * Sends an idempotent request (GET, PUT, DELETE) until it gets a final answer:
 * - retried: transport failures that `isRetryableFailure` allows (timeout, refused, reset,
 *   unreachable), 429, and 5xx except 501;
 * - each retry waits `backoffDelay` (exponential from `baseDelayMs`, jittered, at least the
 *   server's `Retry-After`/`x-ratelimit-reset`, at most `maxDelayMs`), and is announced to
 *   `onRetry` first;
 * - at most `maxAttempts` attempts; a server asking to wait longer than `maxDelayMs` stops the
 *   loop early.
 * Resolves with the first non-retryable answer, 2xx or not, for the caller to interpret.
 * Rejects with an `OryError` saying how many attempts were made when it gives up, or at once
 * for a failure that is never retried.
 */
export async function callWithRetry(ctx: StoreContext, op: OryOperation): Promise<FinalAnswer> {
  const started = ctx.now();
  const max = ctx.retry.maxAttempts;
  for (let attempt = 1; ; attempt++) {
    const result = await sendAttempt(ctx, op);
    if (result.kind === "answer" && !isRetryableStatus(result.status)) {
      return { status: result.status, body: result.body };
    }
    const log = (stoppedEarly: string | null): AttemptLog => ({
      attempts: attempt,
      elapsedMs: ctx.now() - started,
      stoppedEarly,
    });
    if (result.kind === "failure" && !isRetryableFailure(result.failure)) {
      throw finalError(ctx, op, result, log(null));
    }
    if (attempt >= max) throw finalError(ctx, op, result, log(null));
    const backoff = backoffDelay(ctx.retry, attempt, retryHintMs(result), ctx.random);
    if (backoff.kind === "too-long") {
      throw finalError(ctx, op, result, log(tooLongReason(backoff.hintMs, ctx.retry.maxDelayMs)));
    }
    emitRetry(ctx, {
      operation: operationName(op),
      status: result.kind === "answer" ? result.status : null,
      reason: reasonOf(ctx, result),
      nextAttempt: attempt + 1,
      maxAttempts: max,
      delayMs: backoff.ms,
      next: "resend",
      checkKid: null,
    });
    await ctx.sleep(backoff.ms);
  }
}

/** "Ory asks to wait 120 s, more than the 30 s keysync waits between attempts". */
export function tooLongReason(hintMs: number, maxDelayMs: number): string {
  return `Ory asks to wait ${formatSeconds(hintMs)}, more than the ${formatSeconds(maxDelayMs)} keysync waits between attempts`;
}
