import { OryError } from "../errors.js";
import { ID_RULE, isSafeId } from "../jwk/key-id.js";

/**
 * Local refusals, before anything is sent: `OryError("rejected")` with `status` null. An ID
 * reaches a URL path only after `isSafeId`, because `@ory/client` resolves dot segments and
 * Hydra trims a trailing slash, so an empty or `.` kid turns `DELETE /admin/keys/{set}/{kid}`
 * into a whole-set DELETE (hydra-jwk-contract.md §13.4, §14 item 1).
 */

/** Throws unless `value` is a safe set ID or kid. The unsafe value itself is never quoted. */
export function requireSafeId(value: string, what: "set ID" | "kid", action: string): void {
  if (isSafeId(value)) return;
  const problem =
    value === "" || value === "." || value === ".."
      ? `the ${what} is empty or a dot segment, which would address the whole set or another path`
      : `the ${what} is not a safe identifier (${ID_RULE})`;
  throw refusal(action, problem);
}

/** Throws unless `value` is a non-empty string (alg and use of generated and uploaded keys). */
export function requireMember(value: unknown, member: string, action: string): asserts value is string {
  if (typeof value !== "string" || value === "") {
    throw refusal(action, `the key has no "${member}", which Ory's schema requires and keysync always sends`);
  }
}

/** A local refusal of `action` ("PUT /admin/keys/foo/k1", "DELETE a key"). */
export function refusal(action: string, problem: string): OryError {
  return new OryError("rejected", `keysync refused to send ${action}: ${problem}`);
}

/** The admin path of a set, or of a key in it. Only called with safe IDs. */
export function keysPath(setId: string, kid?: string): string {
  return kid === undefined ? `/admin/keys/${setId}` : `/admin/keys/${setId}/${kid}`;
}
