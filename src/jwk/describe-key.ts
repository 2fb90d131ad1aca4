import { createHash, scryptSync } from "node:crypto";
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
export function describeKey(jwk: Jwk, kid: string): KeyFacts & { readonly thumbprint: string } {
  return {
    kid,
    kty: jwk.kty,
    alg: stringOrNull(jwk.alg),
    use: stringOrNull(jwk.use),
    crv: stringOrNull(jwk.crv),
    size: keySize(jwk),
    thumbprint: thumbprintOf(jwk),
    hasPrivate: hasPrivateMaterial(jwk),
  };
}

/** The members RFC 7638 §3.2 hashes for each key type, in the lexicographic order it requires. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
  oct: ["k", "kty"],
};

/**
 * RFC 7638 SHA-256 thumbprint, identical for a private key and its public part; for an `oct`
 * key a salted scrypt fingerprint instead (`symmetricFingerprint`). Computed with
 * node:crypto synchronously: a plan thumbprints every live key, and jose's WebCrypto digest cost
 * several times more per key (tests check this against jose's own calculateJwkThumbprint).
 */
export function thumbprintOf(jwk: Jwk): string {
  const canonical = canonicalMembers(jwk);
  if (jwk.kty === "oct") return symmetricFingerprint(canonical);
  return createHash("sha256").update(canonical).digest("base64url");
}

/**
 * What stands for a symmetric key's thumbprint. RFC 7638's is an unsalted SHA-256 of the
 * secret, so a plan, a PR comment or a state file that showed it would let anyone test guesses
 * of a passphrase-derived HMAC key at billions per second. keysync still needs a fingerprint to
 * tell whether the material changed, so it keeps a salted scrypt hash (about 16 MiB and tens of
 * milliseconds per guess) and never prints even that (`hidesThumbprint`).
 */
function symmetricFingerprint(canonical: string): string {
  // 32 bytes: base64url of the same length as a SHA-256 thumbprint, so files keep one shape.
  return scryptSync(canonical, SYMMETRIC_SALT, 32, { N: 2 ** 14, r: 8, p: 1 }).toString("base64url");
}

const SYMMETRIC_SALT = "keysync symmetric key fingerprint v1";

/** Whether a key of this type has its fingerprint hidden from every output (`oct`: see above). */
export function hidesThumbprint(kty: string): boolean {
  return kty === "oct";
}

/** RFC 7638 §3.2's JSON of the required members, in lexicographic order, without whitespace. */
function canonicalMembers(jwk: Jwk): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty];
  if (members === undefined) throw new TypeError("unsupported key type for a JWK thumbprint");
  const parts: string[] = [];
  for (const name of members) {
    const value: unknown = name === "kty" ? jwk.kty : jwk[name];
    if (typeof value !== "string" || value === "")
      throw new TypeError(`JWK member ${name} missing or not a string`);
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return `{${parts.join(",")}}`;
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
