import { calculateJwkThumbprint } from "jose";
import { curveBits } from "./algorithms.js";
import type { Jwk } from "./jwk.js";
import { hasPrivateMaterial } from "./jwk.js";
import type { KeyFacts } from "./key-facts.js";

/**
 * Reduces a JWK (possibly private) to its public facts. This is the one door through which key
 * material becomes something keysync may keep, print or store.
 *
 * Throws `TypeError` if the JWK lacks the members its thumbprint needs (RFC 7638 §3.2); callers
 * at the edges turn that into their own error without quoting the key.
 */
export async function describeKey(jwk: Jwk, kid: string): Promise<KeyFacts> {
  return {
    kid,
    kty: jwk.kty,
    alg: stringOrNull(jwk.alg),
    use: stringOrNull(jwk.use),
    crv: stringOrNull(jwk.crv),
    size: keySize(jwk),
    thumbprint: await thumbprintOf(jwk),
    hasPrivate: hasPrivateMaterial(jwk),
  };
}

/** RFC 7638 SHA-256 thumbprint, identical for a private key and its public part. */
export async function thumbprintOf(jwk: Jwk): Promise<string> {
  return calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0], "sha256");
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Size in bits: the RSA modulus without leading zero bits, the curve, or the oct key length. */
export function keySize(jwk: Jwk): number | null {
  switch (jwk.kty) {
    case "RSA":
      return typeof jwk.n === "string" ? base64urlBits(jwk.n) : null;
    case "EC":
    case "OKP":
      return typeof jwk.crv === "string" ? curveBits(jwk.crv) : null;
    case "oct":
      return typeof jwk.k === "string" ? Buffer.from(jwk.k, "base64url").length * 8 : null;
    default:
      return null;
  }
}

function base64urlBits(value: string): number {
  const bytes = Buffer.from(value, "base64url");
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const first = bytes[i];
  if (first === undefined) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first));
}
