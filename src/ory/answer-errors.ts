import { STATUS_CODES } from "node:http";
import { OryError, assertNever } from "../errors.js";
import { describeBody, isHydraErrorBody, isRecord } from "./response-body.js";
import type { ResponseBody } from "./response-body.js";
import { oryErrorText } from "./scrub-message.js";
import type { StoreContext } from "./store-context.js";
import { describeFailure, formatSeconds } from "./transport-failure.js";
import type { TransportFailure } from "./transport-failure.js";

/**
 * Turns a final answer or failure into an `OryError` a user can act on (design/contract.md §3,
 * hydra-jwk-contract.md §3). Messages name the operation, the target URL (without credentials)
 * and the env var a token came from; server text appears only scrubbed (scrub-message.ts);
 * the token never does.
 */

/** How many attempts were made before giving up, for "gave up after 3 attempts over 4.1 s". */
export interface AttemptLog {
  readonly attempts: number;
  readonly elapsedMs: number;
  /** Why retrying stopped before the budget was spent, if it did. */
  readonly stoppedEarly: string | null;
}

const ADMIN_URL_HINT =
  "use the admin API URL: for self-hosted Hydra its admin port (e.g. http://127.0.0.1:4445), " +
  "for Ory Network https://<slug>.projects.oryapis.com";

/** "gave up after 3 attempts over 4.1 s", "failed on the first attempt". */
export function attemptsPhrase(log: AttemptLog): string {
  const counted =
    log.attempts <= 1
      ? "after 1 attempt"
      : `after ${log.attempts} attempts over ${formatSeconds(log.elapsedMs)}`;
  return log.stoppedEarly === null ? `gave up ${counted}` : `stopped ${counted} (${log.stoppedEarly})`;
}

/** The status with its reason phrase: `503 Service Unavailable`. */
export function statusText(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase === undefined ? String(status) : `${status} ${phrase}`;
}

/**
 * The URL answers, but not as Ory's admin API (router 404, HTML, a redirect): `not-ory`, with a
 * hint to use the admin URL.
 */
export function notOryError(
  ctx: StoreContext,
  operation: string,
  status: number,
  body: ResponseBody,
): OryError {
  const what = status >= 300 && status < 400 ? "(a redirect)" : `with ${notOryBody(body)}`;
  return new OryError(
    "not-ory",
    `${ctx.displayUrl} is not an Ory admin API: ${operation} answered ${status} ${what}; ${ADMIN_URL_HINT}`,
    status,
  );
}

/** What answered instead of Ory, in words: "a router error (no such route)", "an HTML page". */
function notOryBody(body: ResponseBody): string {
  if (body.kind !== "json") return describeBody(body);
  const error = isRecord(body.value) ? body.value["error"] : undefined;
  return isRecord(error) ? "a router error (no such route)" : "JSON that is not Ory's";
}

/**
 * The error for a non-2xx answer that is final: not retryable, or the last of the budget.
 * `log` is null when no retry was involved.
 */
export function answerError(
  ctx: StoreContext,
  operation: string,
  status: number,
  body: ResponseBody,
  log: AttemptLog | null,
): OryError {
  const where = `${operation} at ${ctx.displayUrl}`;
  const tried = log === null ? "" : `; ${attemptsPhrase(log)}`;
  if (status === 401 || status === 403) return authError(ctx, where, status);
  if (status === 429) {
    return new OryError(
      "rate-limited",
      `${where}: Ory's rate limit refused the request (429)${tried}`,
      status,
    );
  }
  if (status >= 500) {
    return new OryError("server", `${where}: Ory answered ${statusText(status)}${tried}`, status);
  }
  if ((status === 404 || status === 405) && !isHydraErrorBody(body)) {
    return notOryError(ctx, operation, status, body);
  }
  if (status < 400) return notOryError(ctx, operation, status, body);
  const secrets = ctx.target.token === null ? [] : [ctx.target.token];
  const detail = body.kind === "json" ? oryErrorText(body.value, secrets) : null;
  return new OryError(
    "rejected",
    `Ory rejected ${operation} (${statusText(status)}): ${detail ?? `no error details (${describeBody(body)})`}`,
    status,
  );
}

/** 401/403: the credentials were refused; names where the token came from, or that there was none. */
function authError(ctx: StoreContext, where: string, status: number): OryError {
  const { tokenEnv } = ctx.target;
  const refused = status === 401 ? "refused the credentials" : "denied access";
  const advice =
    tokenEnv === null
      ? "no API key was sent: set ORY_PROJECT_API_KEY (or ORY_API_KEY) to a project API key"
      : status === 401
        ? `the API key from ${tokenEnv} was not accepted; check that it is a valid project API key for this project`
        : `the API key from ${tokenEnv} is not allowed to manage JSON Web Keys on this project`;
  return new OryError("auth", `${where}: Ory ${refused} (${status}): ${advice}`, status);
}

/** The error for a transport failure that is final. */
export function failureError(
  ctx: StoreContext,
  operation: string,
  failure: TransportFailure,
  log: AttemptLog,
): OryError {
  const reason = describeFailure(failure, ctx.timeoutMs);
  const tried = attemptsPhrase(log);
  switch (failure) {
    case "timeout":
      return new OryError("timeout", `${operation} at ${ctx.displayUrl}: ${tried}: ${reason}`);
    case "refused":
    case "reset":
    case "host-not-found":
    case "unreachable":
    case "tls":
    case "other":
      return new OryError("unreachable", `cannot reach ${ctx.displayUrl}: ${operation}: ${tried}: ${reason}`);
    case "too-large":
    case "garbled":
      return new OryError("malformed", `Ory's answer to ${operation} is malformed: ${reason}`);
    case "request-too-large":
      return new OryError("rejected", `${operation}: ${reason}`);
    default:
      return assertNever(failure, "transport failure");
  }
}
