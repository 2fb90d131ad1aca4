import type { Jwk } from "../../jwk/jwk.js";

/** The members that are the key itself, per kty (RFC 7518 §6, RFC 8037 §2). */
const MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ["n", "e", "d", "p", "q", "dp", "dq", "qi"],
  EC: ["crv", "x", "y", "d"],
  OKP: ["crv", "x", "d"],
  oct: ["k"],
};

/**
 * `kty` plus the key members present in `jwk`, nothing else: no kid, alg, use, x5c, key_ops or
 * custom members. Private members stay if present, so the result is as secret as the input.
 */
export function keyMembersOf(jwk: Jwk): Jwk {
  const out: Record<string, unknown> = { kty: jwk.kty };
  for (const name of MEMBERS[jwk.kty] ?? []) {
    if (jwk[name] !== undefined) out[name] = jwk[name];
  }
  return out as unknown as Jwk;
}

/** `keyMembersOf` without the private members: what a verifier would be given. */
export function publicMembersOf(jwk: Jwk): Jwk {
  const { kty } = jwk;
  const out: Record<string, unknown> = { kty };
  const names =
    kty === "RSA" ? ["n", "e"] : kty === "EC" ? ["crv", "x", "y"] : kty === "OKP" ? ["crv", "x"] : [];
  for (const name of names) {
    if (jwk[name] !== undefined) out[name] = jwk[name];
  }
  return out as unknown as Jwk;
}
