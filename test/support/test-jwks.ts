import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";

/**
 * Key material for tests that PUT keys. Fresh EC/OKP keys are cheap; one RSA-2048 pair is made
 * per worker and reused under different kids (RSA generation costs ~100–300 ms here).
 */
export type TestJwk = Record<string, unknown> & { kty: string };

export interface JwkOptions {
  readonly alg?: string;
  readonly use?: string;
  /** Drop the private members. */
  readonly publicOnly?: boolean;
}

let rsa: KeyObject | undefined;

export function rsaJwk(kid: string, options: JwkOptions = {}): TestJwk {
  rsa ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  return finish(rsa.export({ format: "jwk" }), kid, { alg: "RS256", ...options });
}

export function ecJwk(
  kid: string,
  options: JwkOptions & { readonly crv?: "P-256" | "P-384" | "P-521" } = {},
): TestJwk {
  const crv = options.crv ?? "P-256";
  const alg = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" }[crv];
  const key = generateKeyPairSync("ec", { namedCurve: crv }).privateKey;
  return finish(key.export({ format: "jwk" }), kid, { alg, ...options });
}

export function edJwk(kid: string, options: JwkOptions = {}): TestJwk {
  return finish(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }), kid, {
    alg: "EdDSA",
    ...options,
  });
}

export function octJwk(kid: string, options: JwkOptions = {}): TestJwk {
  return {
    kty: "oct",
    kid,
    alg: options.alg ?? "HS256",
    use: options.use ?? "sig",
    k: randomBytes(32).toString("base64url"),
  };
}

const PRIVATE = new Set(["d", "p", "q", "dp", "dq", "qi", "k", "oth"]);

/** A copy without the named members. */
export function omit(
  jwk: Readonly<Record<string, unknown>>,
  ...names: readonly string[]
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !names.includes(name)));
}

export function withoutPrivate(jwk: Readonly<Record<string, unknown>>): TestJwk {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE.has(name))) as TestJwk;
}

function finish(exported: object, kid: string, options: JwkOptions): TestJwk {
  const jwk: TestJwk = { ...(exported as TestJwk), kid, use: options.use ?? "sig" };
  if (options.alg !== undefined) jwk["alg"] = options.alg;
  return options.publicOnly === true ? withoutPrivate(jwk) : jwk;
}
