import { OryError } from "../errors.js";
import { answerError, attemptsPhrase, failureError } from "./answer-errors.js";
import type { AttemptLog } from "./answer-errors.js";
import { backoffDelay } from "./backoff.js";
import {
  emitRetry,
  finalError,
  isRetryableStatus,
  reasonOf,
  retryHintMs,
  tooLongReason,
} from "./call-with-retry.js";
import { keysPath, requireMember, requireSafeId } from "./id-guards.js";
import type { GenerateRequest, LiveKey } from "./key-store.js";
import { kidLabel, liveKeysOf, malformedAnswer } from "./live-key.js";
import { isSuccess, readKey, successJson } from "./read-ops.js";
import { scrubServerText } from "./scrub-message.js";
import { operationName, sendAttempt } from "./send-attempt.js";
import type { AttemptResult, OryOperation } from "./send-attempt.js";
import type { StoreContext } from "./store-context.js";
import { isRetryableFailure } from "./transport-failure.js";

/**
 * `POST /admin/keys/{set}` (hydra-jwk-contract.md §4.1) without ever creating a second key.
 * A POST is not idempotent, so it is re-sent blindly only after a 429 (refused before
 * processing). After anything that may have been processed — a timeout, a dropped connection,
 * a 5xx — and after a 409 ("a key with that kid exists"), keysync first reads the kid:
 * - present, same `alg` and `use` → success with its facts (the lost attempt created it, or an
 *   earlier run did);
 * - present, different `alg` or `use` → `OryError("rejected")`: the kid is taken;
 * - absent → the POST is sent again, which counts as an attempt.
 * So every re-sent POST is preceded by a GET of its kid. The verdict read happens even after the
 * last attempt, so a key created by that attempt is still found. Other 4xx fail at once.
 */
export async function generateKey(
  ctx: StoreContext,
  setId: string,
  request: GenerateRequest,
): Promise<LiveKey> {
  requireSafeId(setId, "set ID", "POST /admin/keys/{set}");
  const op: OryOperation = {
    method: "POST",
    path: keysPath(setId),
    call: (options) =>
      ctx.api.createJsonWebKeySet(
        { set: setId, createJsonWebKeySet: { alg: request.alg, kid: request.kid, use: request.use } },
        options,
      ),
  };
  const operation = operationName(op);
  // An empty kid makes Ory pick a random one: a retry could then never find the first key (§14.6).
  requireSafeId(request.kid, "kid", operation);
  requireMember(request.alg, "alg", operation);
  requireMember(request.use, "use", operation);

  const started = ctx.now();
  const max = ctx.retry.maxAttempts;
  for (let attempt = 1; ; attempt++) {
    const result = await sendAttempt(ctx, op);
    const log = (stoppedEarly: string | null = null): AttemptLog => ({
      attempts: attempt,
      elapsedMs: ctx.now() - started,
      stoppedEarly,
    });
    if (result.kind === "answer" && isSuccess(result.status)) {
      return createdKey(operation, successJson(ctx, operation, result), request.kid);
    }
    if (result.kind === "answer" && result.status === 429) {
      // Refused before processing: the one case a POST is re-sent without reading first.
      if (attempt >= max) throw finalError(ctx, op, result, log());
      const backoff = backoffDelay(ctx.retry, attempt, retryHintMs(result), ctx.random);
      if (backoff.kind === "too-long") {
        throw finalError(ctx, op, result, log(tooLongReason(backoff.hintMs, ctx.retry.maxDelayMs)));
      }
      announce(ctx, op, result, attempt, backoff.ms, null);
      await ctx.sleep(backoff.ms);
      continue;
    }
    const conflict = result.kind === "answer" && result.status === 409;
    const ambiguous =
      result.kind === "answer" ? isRetryableStatus(result.status) : isRetryableFailure(result.failure);
    if (!conflict && !ambiguous) {
      throw result.kind === "answer"
        ? answerError(ctx, operation, result.status, result.body, null)
        : failureError(ctx, operation, result.failure, log());
    }
    if (conflict) {
      // 409: a key with this kid exists. Read it; if it vanished meanwhile, the POST may go again.
      const live = await checkKid(ctx, setId, request, operation, result, log());
      if (live !== null) return live;
      if (attempt >= max) throw notCreated(ctx, op, result, log(), request.kid);
      const backoff = backoffDelay(ctx.retry, attempt, null, ctx.random);
      if (backoff.kind === "too-long") throw notCreated(ctx, op, result, log(), request.kid);
      announce(ctx, op, result, attempt, backoff.ms, null);
      await ctx.sleep(backoff.ms);
      continue;
    }
    // Ambiguous: the POST may have been processed. Wait if a re-send may follow, then read the kid.
    const backoff = attempt < max ? backoffDelay(ctx.retry, attempt, retryHintMs(result), ctx.random) : null;
    if (backoff?.kind === "wait") {
      announce(ctx, op, result, attempt, backoff.ms, request.kid);
      await ctx.sleep(backoff.ms);
    }
    const live = await checkKid(ctx, setId, request, operation, result, log());
    if (live !== null) return live;
    if (backoff?.kind !== "wait") {
      const early = backoff === null ? null : tooLongReason(backoff.hintMs, ctx.retry.maxDelayMs);
      throw notCreated(ctx, op, result, log(early), request.kid);
    }
  }
}

/** The single key of a 201 answer, which must carry the kid that was asked for. */
function createdKey(operation: string, body: unknown, kid: string): LiveKey {
  const keys = liveKeysOf(body, operation);
  const [key, ...others] = keys;
  if (key === undefined || others.length > 0) {
    throw malformedAnswer(operation, `it holds ${keys.length} keys where Ory sends only the new one`);
  }
  if (key.kid !== kid) {
    throw malformedAnswer(operation, `it holds ${kidLabel(key.kid)} instead of the one asked for`);
  }
  return key;
}

/**
 * Reads the kid after an ambiguous POST or a 409: the key's facts when it matches the request,
 * null when absent, `OryError("rejected")` when it exists with another alg or use. A read that
 * fails leaves the outcome unknown, and the error says so.
 */
async function checkKid(
  ctx: StoreContext,
  setId: string,
  request: GenerateRequest,
  operation: string,
  result: AttemptResult,
  log: AttemptLog,
): Promise<LiveKey | null> {
  let live: LiveKey | null;
  try {
    live = await readKey(ctx, setId, request.kid);
  } catch (error) {
    if (!(error instanceof OryError)) throw error;
    throw new OryError(
      error.kind,
      `${operation} ${attemptsPhrase(log)} (${reasonOf(ctx, result)}), and reading key "${request.kid}" ` +
        `to learn whether Ory created it failed: ${error.message}`,
      error.status,
    );
  }
  if (live === null) return null;
  if (live.alg === request.alg && live.use === request.use) return live;
  const shown = (v: string | null): string => (v === null ? "none" : scrubServerText(v) || "unprintable");
  throw new OryError(
    "rejected",
    `${operation}: key "${request.kid}" already exists in set "${setId}" with alg ${shown(live.alg)} and use ` +
      `${shown(live.use)}, not ${request.alg} and ${request.use}; keysync did not replace it`,
    409,
  );
}

/** Giving up on a POST whose kid was read and found absent: the key was not created. */
function notCreated(
  ctx: StoreContext,
  op: OryOperation,
  result: AttemptResult,
  log: AttemptLog,
  kid: string,
): OryError {
  const base = finalError(ctx, op, result, log);
  const kind = result.kind === "answer" && result.status === 409 ? "rejected" : base.kind;
  return new OryError(
    kind,
    `${base.message}; key "${kid}" does not exist (Ory did not create it)`,
    base.status,
  );
}

function announce(
  ctx: StoreContext,
  op: OryOperation,
  result: AttemptResult,
  attempt: number,
  delayMs: number,
  checkKid: string | null,
): void {
  emitRetry(ctx, {
    operation: operationName(op),
    status: result.kind === "answer" ? result.status : null,
    reason: reasonOf(ctx, result),
    nextAttempt: attempt + 1,
    maxAttempts: ctx.retry.maxAttempts,
    delayMs,
    next: checkKid === null ? "resend" : "check-first",
    checkKid,
  });
}
