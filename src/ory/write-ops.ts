import type { JsonWebKey } from "@ory/client";
import type { Jwk } from "../jwk/jwk.js";
import { answerError } from "./answer-errors.js";
import { callWithRetry } from "./call-with-retry.js";
import { keysPath, refusal, requireMember, requireSafeId } from "./id-guards.js";
import type { LiveKey } from "./key-store.js";
import { kidLabel, liveKeyOf, malformedAnswer } from "./live-key.js";
import { isSuccess, successJson } from "./read-ops.js";
import type { StoreContext } from "./store-context.js";

/** Optional string members of Ory's `jsonWebKey` schema, copied when present (§13.3). */
const OPTIONAL_MEMBERS = ["crv", "d", "dp", "dq", "e", "k", "n", "p", "q", "qi", "x", "y"] as const;

/**
 * The PUT body: exactly the members of Ory's `jsonWebKey` schema, so nothing Hydra would
 * silently drop (`key_ops`, `ext`, `oth`, §5) is sent. Holds private members: used for one
 * request, never kept.
 */
export function jsonWebKeyBody(jwk: Jwk, kid: string, alg: string, use: string): JsonWebKey {
  const body: JsonWebKey = { kty: jwk.kty, kid, alg, use };
  const record = body as unknown as Record<string, unknown>;
  for (const name of OPTIONAL_MEMBERS) {
    const value = jwk[name];
    if (typeof value === "string") record[name] = value;
  }
  const x5c = jwk["x5c"];
  if (Array.isArray(x5c) && x5c.every((c) => typeof c === "string")) record["x5c"] = [...x5c];
  return body;
}

/**
 * `PUT /admin/keys/{set}/{kid}` (hydra-jwk-contract.md §4.3): create or replace one key. Ory
 * stores the key under the *body's* kid and ignores the path, so the two must be equal, and the
 * body carries `kty`, `kid`, `alg` and `use` (design/contract.md §3); otherwise it is refused
 * before sending. Returns the facts of the key Ory echoed, not of the request. Retried like
 * every idempotent request (a PUT is an upsert).
 */
export async function putKey(ctx: StoreContext, setId: string, kid: string, jwk: Jwk): Promise<LiveKey> {
  requireSafeId(setId, "set ID", "PUT /admin/keys/{set}/{kid}");
  requireSafeId(kid, "kid", `PUT ${keysPath(setId)}/{kid}`);
  const operation = `PUT ${keysPath(setId, kid)}`;
  if (jwk.kid !== kid) {
    throw refusal(
      operation,
      "the key's own kid differs from the kid in the path, and Ory stores the key under its own",
    );
  }
  requireMember(jwk.kty, "kty", operation);
  requireMember(jwk.alg, "alg", operation);
  requireMember(jwk.use, "use", operation);
  const body = jsonWebKeyBody(jwk, kid, jwk.alg, jwk.use);
  const answer = await callWithRetry(ctx, {
    method: "PUT",
    path: keysPath(setId, kid),
    call: (options) => ctx.api.setJsonWebKey({ set: setId, kid, jsonWebKey: body }, options),
  });
  if (!isSuccess(answer.status)) throw answerError(ctx, operation, answer.status, answer.body, null);
  const key = liveKeyOf(successJson(ctx, operation, answer), operation);
  if (key.kid !== kid) {
    throw malformedAnswer(operation, `it echoes ${kidLabel(key.kid)} instead of the key sent`);
  }
  return key;
}

/**
 * `DELETE /admin/keys/{set}/{kid}` (§4.7): 204 also when the key is absent. An empty or dot kid
 * is refused: it would delete the whole set (§13.4).
 */
export async function deleteKey(ctx: StoreContext, setId: string, kid: string): Promise<void> {
  requireSafeId(setId, "set ID", "DELETE /admin/keys/{set}/{kid}");
  requireSafeId(kid, "kid", `DELETE ${keysPath(setId)}/{kid}`);
  await deleteAt(ctx, keysPath(setId, kid), (options) =>
    ctx.api.deleteJsonWebKey({ set: setId, kid }, options),
  );
}

/** `DELETE /admin/keys/{set}` (§4.6): 204 also when the set is absent. */
export async function deleteSet(ctx: StoreContext, setId: string): Promise<void> {
  requireSafeId(setId, "set ID", "DELETE /admin/keys/{set}");
  await deleteAt(ctx, keysPath(setId), (options) => ctx.api.deleteJsonWebKeySet({ set: setId }, options));
}

async function deleteAt(
  ctx: StoreContext,
  path: string,
  call: Parameters<typeof callWithRetry>[1]["call"],
): Promise<void> {
  const operation = `DELETE ${path}`;
  const answer = await callWithRetry(ctx, { method: "DELETE", path, call });
  if (!isSuccess(answer.status)) throw answerError(ctx, operation, answer.status, answer.body, null);
  // Ory answers 204 with no body; a page in its place means something else answered.
  if (answer.body.kind !== "empty") successJson(ctx, operation, answer);
}
