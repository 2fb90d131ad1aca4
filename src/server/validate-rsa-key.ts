/**
 * The checks Go's `rsa.PrivateKey.Validate()` runs when go-jose decodes an RSA private JWK
 * (hydra-jwk-contract.md §5: "`rsa.Validate()` must pass"). Done with BigInt rather than
 * `node:crypto`, because Node refuses JWKs without `dp`/`dq`/`qi`, which go-jose accepts, and
 * does not check that the parts belong together. Returns Go's error text, or null when valid.
 * There is deliberately no minimum modulus size: Hydra accepts a 512-bit key.
 */
export interface RsaPrivateParts {
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint | null;
  readonly dq: bigint | null;
  readonly qi: bigint | null;
}

const MAX_EXPONENT = 2n ** 31n - 1n;

export function validateRsaPrivateKey(key: RsaPrivateParts): string | null {
  if (key.e < 2n) return "crypto/rsa: public exponent too small";
  if (key.e > MAX_EXPONENT) return "crypto/rsa: public exponent too large";
  if (key.p <= 1n || key.q <= 1n) return "crypto/rsa: invalid prime value";
  if (key.p * key.q !== key.n) return "crypto/rsa: invalid modulus";
  const de = key.d * key.e;
  if (de % (key.p - 1n) !== 1n % (key.p - 1n) || de % (key.q - 1n) !== 1n % (key.q - 1n)) {
    return "crypto/rsa: invalid exponents";
  }
  // Wrong CRT values would make every signature wrong; Go recomputes and compares them.
  if (key.dp !== null && key.dp !== key.d % (key.p - 1n)) return "crypto/rsa: invalid CRT exponent";
  if (key.dq !== null && key.dq !== key.d % (key.q - 1n)) return "crypto/rsa: invalid CRT exponent";
  if (key.qi !== null && (key.qi * key.q) % key.p !== 1n) return "crypto/rsa: invalid CRT coefficient";
  return null;
}
