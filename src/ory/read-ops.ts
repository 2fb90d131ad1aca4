import { assertNever } from "../errors.js";
import { answerError, notOryError } from "./answer-errors.js";
import { callWithRetry } from "./call-with-retry.js";
import type { FinalAnswer } from "./call-with-retry.js";
import { keysPath, requireSafeId } from "./id-guards.js";
import type { LiveKey, LiveSet } from "./key-store.js";
import { kidLabel, liveKeysOf, malformedAnswer } from "./live-key.js";
import { isHydraErrorBody } from "./response-body.js";
import type { StoreContext } from "./store-context.js";

/**
 * The JSON value of a 2xx answer. HTML, plain text or an empty body on success means the URL
 * is not Ory's API (`not-ory`); JSON that does not parse (truncated) is `malformed`.
 */
export function successJson(ctx: StoreContext, operation: string, answer: FinalAnswer): unknown {
  switch (answer.body.kind) {
    case "json":
      return answer.body.value;
    case "invalid-json":
      throw malformedAnswer(operation, "the body is truncated or not valid JSON");
    case "empty":
    case "html":
    case "text":
      throw notOryError(ctx, operation, answer.status, answer.body);
    default:
      return assertNever(answer.body, "response body");
  }
}

/** True for 2xx. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * `GET /admin/keys/{set}` (hydra-jwk-contract.md §4.4): one request per call (plus retries).
 * 404 with Hydra's own error body (`error` is a string) is an absent set, a value; a router 404
 * is `not-ory`. Keys come back in Ory's order, as facts only. Ory has no empty sets, so an
 * empty `keys` array also reads as absent.
 */
export async function readSet(ctx: StoreContext, setId: string): Promise<LiveSet> {
  requireSafeId(setId, "set ID", "GET /admin/keys/{set}");
  const operation = `GET ${keysPath(setId)}`;
  const answer = await callWithRetry(ctx, {
    method: "GET",
    path: keysPath(setId),
    call: (options) => ctx.api.getJsonWebKeySet({ set: setId }, options),
  });
  if (answer.status === 404 && isHydraErrorBody(answer.body)) return { setId, exists: false };
  if (!isSuccess(answer.status)) throw answerError(ctx, operation, answer.status, answer.body, null);
  const keys = liveKeysOf(successJson(ctx, operation, answer), operation);
  return keys.length === 0 ? { setId, exists: false } : { setId, exists: true, keys };
}

/**
 * `GET /admin/keys/{set}/{kid}` (§4.5): the key's facts, or null when the kid or the set does
 * not exist (404 with Hydra's body). Ory answers a set holding exactly the key asked for;
 * anything else is `malformed`.
 */
export async function readKey(ctx: StoreContext, setId: string, kid: string): Promise<LiveKey | null> {
  requireSafeId(setId, "set ID", "GET /admin/keys/{set}/{kid}");
  requireSafeId(kid, "kid", `GET ${keysPath(setId)}/{kid}`);
  const operation = `GET ${keysPath(setId, kid)}`;
  const answer = await callWithRetry(ctx, {
    method: "GET",
    path: keysPath(setId, kid),
    call: (options) => ctx.api.getJsonWebKey({ set: setId, kid }, options),
  });
  if (answer.status === 404 && isHydraErrorBody(answer.body)) return null;
  if (!isSuccess(answer.status)) throw answerError(ctx, operation, answer.status, answer.body, null);
  const keys = liveKeysOf(successJson(ctx, operation, answer), operation);
  const [key, ...others] = keys;
  if (key === undefined || others.length > 0) {
    throw malformedAnswer(
      operation,
      `it holds ${keys.length} keys where Ory sends exactly the one asked for`,
    );
  }
  if (key.kid !== kid) {
    throw malformedAnswer(operation, `it holds ${kidLabel(key.kid)} instead of the one asked for`);
  }
  return key;
}
