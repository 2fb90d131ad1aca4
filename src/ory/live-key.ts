import { OryError } from "../errors.js";
import { describeKey } from "../jwk/describe-key.js";
import type { Jwk } from "../jwk/jwk.js";
import type { KeyFacts } from "../jwk/key-facts.js";
import { isSafeId } from "../jwk/key-id.js";
import type { LiveKey } from "./key-store.js";
import { isRecord } from "./response-body.js";

/**
 * The one door through which a key in an Ory response becomes something keysync keeps: its
 * public facts (`LiveKey`). Every key of every response goes through `liveKeyOf`; the raw
 * object, with its private members (hydra-jwk-contract.md §9), is dropped as soon as the facts
 * are computed and is never quoted in an error.
 */

/** Members read from a response key. Private ones only feed `hasPrivate`, size and thumbprint. */
const STRING_MEMBERS = ["kty", "alg", "use", "crv", "n", "e", "x", "y", "d", "k"] as const;
/** Private members whose type is checked but whose value is never copied. */
const CHECKED_MEMBERS = ["p", "q", "dp", "dq", "qi"] as const;

/** How a server-supplied kid is named in messages: quoted only when it is a safe ID. */
export function kidLabel(kid: string): string {
  return isSafeId(kid) ? `key "${kid}"` : "a key with an unusable kid";
}

/** `OryError("malformed")` for a 2xx answer that is not what Ory's API documents. */
export function malformedAnswer(operation: string, problem: string): OryError {
  return new OryError("malformed", `Ory's answer to ${operation} is malformed: ${problem}`);
}

/**
 * A response key as `LiveKey`. A missing kid (Ory omits empty members) is `""`; a kid that fails
 * `isSafeId` is returned as it is (the planner refuses to address it). Throws
 * `OryError("malformed")` naming `operation` when the value is not a JSON object, a member has
 * the wrong type, or the facts cannot be computed (missing members, unknown `kty`).
 */
export function liveKeyOf(raw: unknown, operation: string): LiveKey {
  if (!isRecord(raw)) throw malformedAnswer(operation, "a key is not a JSON object");
  const kidValue = raw["kid"];
  if (kidValue !== undefined && typeof kidValue !== "string") {
    throw malformedAnswer(operation, "a key has a kid that is not a string");
  }
  const kid = kidValue ?? "";
  const jwk = narrowJwk(raw);
  if (jwk === null) {
    throw malformedAnswer(operation, `${kidLabel(kid)} has members of the wrong type or shape`);
  }
  // describeKey's messages name members, not values; still, nothing of the key is quoted.
  let facts: KeyFacts & { readonly thumbprint: string };
  try {
    facts = describeKey(jwk, kid);
  } catch {
    throw malformedAnswer(
      operation,
      `${kidLabel(kid)} is not a usable JWK (a required member is missing, or its kty is unknown)`,
    );
  }
  return { ...facts, kid };
}

/**
 * The `keys` of a JWK set answer (`{"keys": [...]}`), each through `liveKeyOf`, in Ory's order.
 * Throws `OryError("malformed")` when the body is not such an object.
 */
export function liveKeysOf(body: unknown, operation: string): LiveKey[] {
  if (!isRecord(body) || !Array.isArray(body["keys"])) {
    throw malformedAnswer(operation, 'the body is not a JWK set (no "keys" array)');
  }
  const keys: LiveKey[] = [];
  for (const raw of body["keys"] as readonly unknown[]) keys.push(liveKeyOf(raw, operation));
  return keys;
}

/**
 * The shape of the names keysync may print (`kty`, `alg`, `use`, `crv`): a JWA/JOSE name such as
 * `RS256`, `ECDH-ES+A128KW`, `P-256` or `Ed25519`. A server value with a control character, an
 * escape sequence, a bidi override or any non-ASCII letter is refused when it arrives, so it can
 * never forge a line of a plan on a terminal.
 */
const NAME_MEMBER = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const NAME_MEMBERS: ReadonlySet<string> = new Set(["kty", "alg", "use", "crv"]);
/** Key material is base64url (RFC 7518); nothing else is read as a key. */
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * A fresh `Jwk` holding only the members `describeKey` needs; null when one has the wrong type
 * or shape (a name that is not a JOSE name, material that is not base64url).
 */
function narrowJwk(raw: Readonly<Record<string, unknown>>): Jwk | null {
  const out: Record<string, string> = {};
  for (const name of STRING_MEMBERS) {
    const value = raw[name];
    if (value === undefined) continue;
    if (typeof value !== "string") return null;
    if (!(NAME_MEMBERS.has(name) ? NAME_MEMBER : BASE64URL).test(value)) return null;
    out[name] = value;
  }
  for (const name of CHECKED_MEMBERS) {
    const value = raw[name];
    if (value !== undefined && (typeof value !== "string" || !BASE64URL.test(value))) return null;
  }
  const kty = out["kty"];
  if (kty === undefined || kty === "") return null;
  return { ...out, kty };
}
