/**
 * Which algorithms keysync accepts and what key each needs (RFC 7518 §3, RFC 8037), and which
 * ones Ory can generate (hydra-jwk-contract.md §4.1: HMAC generation was removed from Hydra).
 */

/** Algorithms Ory's `POST /admin/keys/{set}` generates. */
export const GENERATE_ALGS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;
export type GenerateAlg = (typeof GENERATE_ALGS)[number];

export const HMAC_ALGS = ["HS256", "HS384", "HS512"] as const;

/** Key-management algorithms accepted on `use: enc` keys brought from a `source`. */
export const ENC_ALGS = [
  "RSA-OAEP",
  "RSA-OAEP-256",
  "RSA-OAEP-384",
  "RSA-OAEP-512",
  "ECDH-ES",
  "ECDH-ES+A128KW",
  "ECDH-ES+A192KW",
  "ECDH-ES+A256KW",
  "A128KW",
  "A192KW",
  "A256KW",
  "dir",
] as const;

export const SOURCE_ALGS: readonly string[] = [...GENERATE_ALGS, ...HMAC_ALGS, ...ENC_ALGS];

/** What key an algorithm needs: its key type, curve (EC/OKP) and minimum size in bits. */
export interface KeyRequirement {
  readonly kty: "RSA" | "EC" | "OKP" | "oct";
  readonly crv: readonly string[] | null;
  readonly minBits: number;
}

const RSA: KeyRequirement = { kty: "RSA", crv: null, minBits: 2048 };

export function keyRequirement(alg: string): KeyRequirement | null {
  switch (alg) {
    case "RS256":
    case "RS384":
    case "RS512":
    case "PS256":
    case "PS384":
    case "PS512":
    case "RSA-OAEP":
    case "RSA-OAEP-256":
    case "RSA-OAEP-384":
    case "RSA-OAEP-512":
      return RSA;
    case "ES256":
      return { kty: "EC", crv: ["P-256"], minBits: 256 };
    case "ES384":
      return { kty: "EC", crv: ["P-384"], minBits: 384 };
    case "ES512":
      return { kty: "EC", crv: ["P-521"], minBits: 521 };
    case "EdDSA":
      return { kty: "OKP", crv: ["Ed25519"], minBits: 256 };
    case "ECDH-ES":
    case "ECDH-ES+A128KW":
    case "ECDH-ES+A192KW":
    case "ECDH-ES+A256KW":
      return { kty: "EC", crv: ["P-256", "P-384", "P-521"], minBits: 256 };
    // HMAC keys must be at least as long as the hash output (RFC 7518 §3.2).
    case "HS256":
      return { kty: "oct", crv: null, minBits: 256 };
    case "HS384":
      return { kty: "oct", crv: null, minBits: 384 };
    case "HS512":
      return { kty: "oct", crv: null, minBits: 512 };
    case "A128KW":
      return { kty: "oct", crv: null, minBits: 128 };
    case "A192KW":
      return { kty: "oct", crv: null, minBits: 192 };
    case "A256KW":
    case "dir":
      return { kty: "oct", crv: null, minBits: 256 };
    default:
      return null;
  }
}

export function isGenerateAlg(alg: string): alg is GenerateAlg {
  return (GENERATE_ALGS as readonly string[]).includes(alg);
}

/** The key a generated algorithm produces, as far as it is known before Ory generates it. */
export function generatedKeyShape(alg: GenerateAlg): {
  kty: string;
  crv: string | null;
  size: number | null;
} {
  const req = keyRequirement(alg);
  if (req === null) return { kty: "RSA", crv: null, size: null };
  const crv = req.crv?.[0] ?? null;
  // RSA sizes depend on the server (Ory: 4096 for RS*, 2048 for PS*), so they are known after apply.
  return { kty: req.kty, crv, size: req.kty === "RSA" ? null : req.minBits };
}

/** Bits of a curve, for `KeyFacts.size`. */
export function curveBits(crv: string): number | null {
  switch (crv) {
    case "P-256":
    case "Ed25519":
    case "X25519":
      return 256;
    case "P-384":
      return 384;
    case "P-521":
      return 521;
    case "Ed448":
      return 456;
    default:
      return null;
  }
}
