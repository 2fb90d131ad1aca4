/**
 * A JSON Web Key as it travels on the wire. May hold private members: values of this type are
 * secrets and must never be logged, rendered, written to a file, or quoted in an error. Turn
 * them into `KeyFacts` (describe-key.ts) as soon as possible and drop them.
 */
export interface Jwk {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly crv?: string;
  readonly n?: string;
  readonly e?: string;
  readonly x?: string;
  readonly y?: string;
  readonly d?: string;
  readonly p?: string;
  readonly q?: string;
  readonly dp?: string;
  readonly dq?: string;
  readonly qi?: string;
  readonly k?: string;
  readonly oth?: unknown;
  readonly [member: string]: unknown;
}

/**
 * JWK members that carry private or secret key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037).
 * Masking is by member name, never by value: value-based masking misses old values (decK#2140).
 */
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"] as const;
const PRIVATE_SET: ReadonlySet<string> = new Set(PRIVATE_MEMBERS);

export function isPrivateMember(name: string): boolean {
  return PRIVATE_SET.has(name);
}

/**
 * True when Ory would treat the key as a possible signer: `d` present (RSA, EC, OKP) or a
 * symmetric `oct` key, which Hydra counts as private (hydra-jwk-contract.md §5, §7).
 */
export function hasPrivateMaterial(jwk: Jwk): boolean {
  return jwk.kty === "oct" || jwk.d !== undefined;
}

/** The JWK without any private member. For `oct` keys nothing public remains but metadata. */
export function publicPart(jwk: Jwk): Jwk {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(jwk)) {
    if (!isPrivateMember(name)) out[name] = value;
  }
  return out as unknown as Jwk;
}
