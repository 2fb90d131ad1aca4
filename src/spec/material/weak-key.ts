import type { Jwk } from "../../jwk/jwk.js";
import { toBigInt } from "../rules/rsa-consistency.js";

/**
 * Whether key material is trivially weak: well-formed, so every parser takes it, yet anyone can
 * recover the private key or forge with it. Each check is cheap and certain (no false alarms on
 * a key a real generator made); none claims a key is strong. Returns a verb phrase that never
 * quotes a member, or null.
 *
 * - RSA (public or private, certificates too): `e` must be odd and at least 65537 (FIPS 186-5
 *   §A.1.1; e = 1 makes "encryption" the identity, small e invites Håstad and bad-padding
 *   attacks); the modulus must be odd, free of small prime factors and not the product of two
 *   primes close together (Fermat's method factors those at once: CVE-2022-26320).
 * - EC and Ed25519 private keys: `d` (the Ed25519 seed) must not be tiny or one repeated byte
 *   (a search of 2^64 values, or a published key).
 * - Symmetric keys: `k` must not be one repeated byte or a short repeated pattern (an all-zero
 *   HS256 key validates everywhere and protects nothing).
 */
export function weakKeyProblem(jwk: Jwk): string | null {
  switch (jwk.kty) {
    case "RSA":
      return weakRsa(jwk);
    case "EC":
    case "OKP":
      return jwk.d !== undefined && isTrivialSecret(jwk.d, true)
        ? "has a trivially guessable private part (d); generate a new key"
        : null;
    case "oct":
      return jwk.k !== undefined && isTrivialSecret(jwk.k, false)
        ? "holds a trivially guessable secret (one byte or a short pattern repeated); generate a random one"
        : null;
    default:
      return null;
  }
}

const MIN_EXPONENT = 65537n;
/** The primes below 1000: a modulus with one of them as a factor is factored by trial division. */
const SMALL_PRIMES = primesBelow(1000);
/** Fermat's method finds p and q at once when |p − q| is tiny next to √n; a few steps suffice. */
const FERMAT_STEPS = 100;

function weakRsa(jwk: Jwk): string | null {
  const n = toBigInt(jwk.n);
  const e = toBigInt(jwk.e);
  if (n === undefined || e === undefined) return null;
  if (e % 2n === 0n || e < MIN_EXPONENT) {
    return "has a weak public exponent (e): RSA keys need an odd e of at least 65537";
  }
  if (n % 2n === 0n || SMALL_PRIMES.some((p) => n % p === 0n)) {
    return "has a modulus (n) with a small prime factor: anyone can factor it";
  }
  if (fermatFactors(n)) {
    return "has a modulus (n) whose two primes are so close that Fermat's method factors it at once";
  }
  return null;
}

/** True when n = a² − b² for an a within `FERMAT_STEPS` of ⌈√n⌉ (then n = (a − b)(a + b)). */
function fermatFactors(n: bigint): boolean {
  let a = isqrt(n);
  if (a * a < n) a += 1n;
  for (let step = 0; step < FERMAT_STEPS; step += 1, a += 1n) {
    const b2 = a * a - n;
    const b = isqrt(b2);
    if (b * b === b2) return true;
  }
  return false;
}

function isqrt(value: bigint): bigint {
  if (value < 2n) return value;
  // Newton's method from a power of two above the root.
  let x = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const next = (x + value / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/**
 * One repeated byte, or (for symmetric keys) a pattern of at most 8 bytes repeated; for private
 * scalars also a value below 2^64 (at most 8 significant bytes).
 */
function isTrivialSecret(member: string, scalar: boolean): boolean {
  const bytes = Buffer.from(member, "base64url");
  if (bytes.length === 0) return true;
  if (scalar && bytes.length - leadingZeros(bytes) <= 8) return true;
  const longest = scalar ? 1 : 8;
  for (let period = 1; period <= longest && period < bytes.length; period += 1) {
    if (bytes.every((byte, i) => byte === bytes[i % period])) return true;
  }
  return false;
}

function leadingZeros(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i += 1;
  return i;
}

function primesBelow(limit: number): readonly bigint[] {
  const composite = new Uint8Array(limit);
  const primes: bigint[] = [];
  for (let i = 2; i < limit; i += 1) {
    if (composite[i] === 1) continue;
    primes.push(BigInt(i));
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return primes;
}
