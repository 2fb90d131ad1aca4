import { encodeGoJson } from "./go-json.js";
import type { Reply } from "./reply.js";

/**
 * An error as Hydra's JWK handlers return it: herodot → `x.ErrorEnhancer` → fosite's
 * `RFC6749Error.MarshalJSON`, which writes only `error` and `error_description` (no
 * `status_code`, no `request_id`) with `"` replaced by `'` (hydra-jwk-contract.md §3.1).
 */
export interface HydraError {
  readonly status: number;
  readonly error: string;
  readonly description: string;
}

/** `GET /admin/keys/{set}` on a set with no rows (§3.2, `x.ErrNotFound`). */
export const SET_NOT_FOUND: HydraError = {
  status: 404,
  error: "Not Found",
  description: "Unable to locate the requested resource",
};

/** `GET /admin/keys/{set}/{kid}` on a missing kid or set (§3.2, `sqlcon.ErrNoRows`). */
export const KEY_NOT_FOUND: HydraError = {
  status: 404,
  error: "Unable to locate the resource",
  description: "",
};

/** POST with an existing kid, or a PUT set with duplicate kids (§3.2, `sqlcon.ErrUniqueViolation`). */
export const CONFLICT: HydraError = {
  status: 409,
  error: "Unable to insert or update resource because a resource with that value exists already",
  description: "",
};

/** POST with an alg Hydra cannot generate, HS* and "" included (§3.2, §4.1). */
export const UNSUPPORTED_ALGORITHM: HydraError = {
  status: 400,
  error: "Bad Request",
  description: "Unsupported key algorithm",
};

/** Anything Hydra cannot map (§3.2): DB down, undecryptable key, JWKS marshal failure. */
export const UNRECOGNIZABLE: HydraError = {
  status: 500,
  error: "error",
  description: "The error is unrecognizable",
};

/** A body that is not JSON or not a valid JWK; `detail` is the Go decoder or go-jose error text. */
export function malformedBody(detail: string): HydraError {
  return {
    status: 400,
    error: "The request was malformed or contained invalid parameters",
    description: `Unable to decode the request body: ${detail}`,
  };
}

/** herodot's error writer: `Content-Type: application/json` without a charset (§2). */
export function hydraErrorReply(e: HydraError, status = e.status): Reply {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: encodeGoJson({ error: e.error, error_description: e.description.replaceAll('"', "'") }),
  };
}

/**
 * Errors that on Ory Network come from its edge, not from Hydra (401, 413, 429). Their bodies are
 * undocumented (§3.2 last row, §12), so this server answers in herodot's generic error shape,
 * `{"error":{"code","status","message"}}`, which Ory's own services use. Clients must not rely on
 * it: keysync reads the status code and the rate-limit headers only.
 */
export function edgeErrorReply(
  status: number,
  statusText: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): Reply {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: encodeGoJson({ error: { code: status, status: statusText, message } }),
  };
}
