import { ENC_ALGS, keyRequirement } from "../../jwk/algorithms.js";
import { keySize } from "../../jwk/describe-key.js";
import type { Jwk } from "../../jwk/jwk.js";
import type { KeyUse } from "../../jwk/key-facts.js";
import { quote } from "./quote.js";

/**
 * Whether a key can do what its alg and use say (RFC 7518 §3, RFC 8037), which Ory does not
 * check (hydra-jwk-contract.md §5): the key type and curve the alg needs, RSA keys of at least
 * 2048 bits, HMAC keys at least as long as their hash, and key-management algs only with
 * `use: enc`. Returns every problem found.
 */
export function keyFitProblems(jwk: Jwk, alg: string, use: KeyUse): string[] {
  const requirement = keyRequirement(alg);
  if (requirement === null) return [`has alg ${quote(alg)}, which keysync does not know`];
  const problems: string[] = [];
  const wanted =
    requirement.kty === "oct"
      ? "a symmetric (oct) key"
      : `an ${describeShape(requirement.kty, requirement.crv)} key`;
  const crvOk =
    requirement.crv === null || (typeof jwk.crv === "string" && requirement.crv.includes(jwk.crv));
  if (jwk.kty !== requirement.kty || !crvOk) {
    problems.push(`holds ${describeKeyKind(jwk)}, but alg ${alg} needs ${wanted}`);
  } else {
    const bits = keySize(jwk) ?? 0;
    if (jwk.kty === "RSA" && bits < requirement.minBits) {
      problems.push(`holds a ${bits}-bit RSA key; RSA keys must be at least ${requirement.minBits} bits`);
    } else if (jwk.kty === "oct" && bits < requirement.minBits) {
      problems.push(
        `holds a ${bits}-bit key; ${alg} needs at least ${requirement.minBits} bits (RFC 7518 §3.2)`,
      );
    }
  }
  if ((ENC_ALGS as readonly string[]).includes(alg) && use !== "enc") {
    problems.push(`is used with alg ${alg}, an encryption algorithm, so it needs use: enc`);
  }
  return problems;
}

function describeShape(kty: string, crv: readonly string[] | null): string {
  return crv === null ? kty : `${kty} ${crv.join("/")}`;
}

/** "an RSA key", "an EC P-256 key", "a symmetric (oct) key": never any member value. */
export function describeKeyKind(jwk: Jwk): string {
  if (jwk.kty === "oct") return "a symmetric (oct) key";
  const crv = typeof jwk.crv === "string" ? ` ${quote(jwk.crv, 12).slice(1, -1)}` : "";
  return `an ${jwk.kty}${crv} key`;
}
