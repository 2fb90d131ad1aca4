import type { Jwk } from "../../jwk/jwk.js";

/**
 * Whether an RSA private JWK's members belong together: n = p·q, e·d ≡ 1 modulo p−1 and q−1,
 * and the CRT members derive from d, p and q (RFC 8017 §3.2). Go's `rsa.Validate` on Hydra's
 * side checks part of this; checking it here catches a pasted-together key before upload, and
 * catches what a sign/verify probe cannot: OpenSSL signs with the CRT members, so a wrong `d`
 * alone would sign and verify fine. Expects every member present (see jwk-members.ts).
 */
export function rsaPrivateMembersAgree(jwk: Jwk): boolean {
  const [n, e, d, p, q, dp, dq, qi] = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map(
    toBigInt,
  );
  if (
    n === undefined ||
    e === undefined ||
    d === undefined ||
    p === undefined ||
    q === undefined ||
    dp === undefined ||
    dq === undefined ||
    qi === undefined
  ) {
    return false;
  }
  if (p <= 1n || q <= 1n || n !== p * q) return false;
  const p1 = p - 1n;
  const q1 = q - 1n;
  return (
    (e * d - 1n) % p1 === 0n &&
    (e * d - 1n) % q1 === 0n &&
    dp === d % p1 &&
    dq === d % q1 &&
    (qi * q) % p === 1n
  );
}

/** A base64url JWK member as an unsigned big-endian integer (an empty one is 0). */
export function toBigInt(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const hex = Buffer.from(value, "base64url").toString("hex");
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}
