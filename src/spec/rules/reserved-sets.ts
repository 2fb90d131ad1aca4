import type { Diagnostic } from "../../errors.js";
import { isReservedSet } from "../types.js";
import { quote } from "./quote.js";
import type { ResolvedKey, ResolvedSet } from "./resolved-key.js";

/**
 * Rules for Hydra's reserved sets (`hydra.openid.id-token`, `hydra.jwt.access-token`), which
 * Ory signs ID tokens and JWT access tokens with (hydra-jwk-contract.md §8, §14 item 3):
 * - an `oct` key breaks `/.well-known/jwks.json` with a 500 (§4.8), so it is refused;
 * - a private `use: enc` key could become the signer (Hydra ignores `use` when it picks one);
 * - the set must keep a private signing key, else Ory generates a random RS256 key into it.
 */
export function reservedSetProblems(set: ResolvedSet): Diagnostic[] {
  if (!isReservedSet(set.setId.value)) return [];
  const found: Diagnostic[] = [];
  const setName = quote(set.setId.value);
  for (const key of set.keys) {
    const at = key.origin === "source" ? key.source.position : key.position;
    if (key.origin === "source" && key.facts.kty === "oct") {
      found.push({
        position: at,
        message: `key ${quote(key.kid.value)} is a symmetric (oct) key; reserved set ${setName} is published at /.well-known/jwks.json, which fails on oct keys`,
      });
    } else if (key.use === "enc" && isPrivate(key)) {
      found.push({
        position: at,
        message: `key ${quote(key.kid.value)} is a private key with use: enc; in reserved set ${setName} Ory could sign tokens with it`,
      });
    }
  }
  if (set.complete && !set.keys.some(isPrivateSigningKey)) {
    found.push({
      position: set.setId.position,
      message: `reserved set ${setName} needs at least one private signing key (use: sig, not oct); without one Ory generates a random key into it`,
    });
  }
  return found;
}

function isPrivate(key: ResolvedKey): boolean {
  return key.origin === "generated" || key.facts.hasPrivate;
}

function isPrivateSigningKey(key: ResolvedKey): boolean {
  if (key.use !== "sig") return false;
  return key.origin === "generated" || (key.facts.hasPrivate && key.facts.kty !== "oct");
}
