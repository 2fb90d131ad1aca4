import { DOT_SEGMENTS, ID_CHARSET, MAX_ID_LENGTH, PROTOTYPE_NAMES } from "../../jwk/key-id.js";
import { notAString, quote } from "./quote.js";

/** What is being named: both kinds become one URL path segment on Ory's admin API. */
export type IdentifierKind = "set ID" | "kid";

/**
 * The rule for set IDs and kids (contract §4), as a message or null when `value` is fine.
 * The message form of `isSafeId` (src/jwk/key-id.ts): null exactly when `isSafeId(value)`.
 * Applied to IDs written in the spec (through the schema messages) and to kids that come from
 * a JWK file's own `kid`.
 *
 * Why so strict: `@ory/client` runs paths through `new URL()`, which resolves `.` and `..`, and
 * Hydra trims a trailing slash, so deleting kid `""` or `.` deletes the whole set
 * (hydra-jwk-contract.md §13.4, §14 item 1). The prototype names are refused so a parsed ID can
 * never reach `Object.prototype`.
 */
export function identifierProblem(kind: IdentifierKind, value: unknown): string | null {
  if (typeof value !== "string") return notAString(kind, value);
  if (value === "") return `${kind} must not be empty`;
  if (DOT_SEGMENTS.has(value)) {
    return `${kind} ${quote(value)} is not allowed: Ory's client resolves it as a path segment`;
  }
  if (PROTOTYPE_NAMES.has(value)) return `${kind} ${quote(value)} is a reserved name`;
  if (!ID_CHARSET.test(value)) {
    return `${kind} ${quote(value)} may only contain A-Z a-z 0-9 . _ : - (1-${MAX_ID_LENGTH} characters)`;
  }
  if (value.length > MAX_ID_LENGTH) {
    return `${kind} ${quote(value)} is ${value.length} characters long; the limit is ${MAX_ID_LENGTH}`;
  }
  return null;
}
