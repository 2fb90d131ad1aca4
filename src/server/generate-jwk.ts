import { generateKeyPair } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { assertNever } from "../errors.js";
import type { GenerateAlg } from "../jwk/algorithms.js";
import type { Jwk } from "../jwk/jwk.js";

const generate = promisify(generateKeyPair);

/** RSA size Hydra uses for PS* keys: josex's default (hydra-jwk-contract.md §4.1). */
export const PS_RSA_BITS = 2048;

/** Hydra's size for RS* keys; `rsaBits` exists because 4096-bit generation is slow on small machines. */
export const DEFAULT_RSA_BITS = 4096;

export interface GenerateOptions {
  /** Never empty here: the caller has already replaced "" with a UUIDv4, as Hydra does. */
  readonly kid: string;
  readonly use: string;
  /** RS* modulus size. */
  readonly rsaBits: number;
}

/**
 * Hydra's `GenerateJWK` (hydra-jwk-contract.md §4.1, §6): RS* → RSA `rsaBits`, PS* → RSA 2048,
 * ES256/384/512 → P-256/P-384/P-521, EdDSA → Ed25519; kid, use and alg set, no certificates.
 * Runs on libuv's thread pool, never blocking the event loop. Members in go-jose's order.
 */
export async function generateJwk(alg: GenerateAlg, options: GenerateOptions): Promise<Jwk> {
  const privateKey = await generatePrivateKey(alg, options.rsaBits);
  const exported = privateKey.export({ format: "jwk" });
  const out: Record<string, unknown> = { use: options.use, kty: exported.kty, kid: options.kid };
  if (exported.crv !== undefined) out["crv"] = exported.crv;
  out["alg"] = alg;
  for (const name of ["x", "y", "n", "e", "d", "p", "q", "dp", "dq", "qi"] as const) {
    const value = exported[name];
    if (value !== undefined) out[name] = value;
  }
  return out as unknown as Jwk;
}

async function generatePrivateKey(alg: GenerateAlg, rsaBits: number): Promise<KeyObject> {
  switch (alg) {
    case "RS256":
    case "RS384":
    case "RS512":
      return (await generate("rsa", { modulusLength: rsaBits, publicExponent: 0x10001 })).privateKey;
    case "PS256":
    case "PS384":
    case "PS512":
      return (await generate("rsa", { modulusLength: PS_RSA_BITS, publicExponent: 0x10001 })).privateKey;
    case "ES256":
      return (await generate("ec", { namedCurve: "P-256" })).privateKey;
    case "ES384":
      return (await generate("ec", { namedCurve: "P-384" })).privateKey;
    case "ES512":
      return (await generate("ec", { namedCurve: "P-521" })).privateKey;
    case "EdDSA":
      return (await generate("ed25519")).privateKey;
    default:
      return assertNever(alg, "algorithm");
  }
}
