import type { GenerateAlg } from "../jwk/algorithms.js";
import type { KeyFacts, KeyUse } from "../jwk/key-facts.js";

/** Reserved Hydra sets: Ory regenerates them with a random key when missing (hydra-jwk-contract.md §8). */
export const RESERVED_SETS = ["hydra.openid.id-token", "hydra.jwt.access-token"] as const;

export function isReservedSet(setId: string): boolean {
  return (RESERVED_SETS as readonly string[]).includes(setId);
}

/**
 * The validated spec: what the user wants to exist. Produced only by `loadSpec` after the schema,
 * every semantic rule and every `source` reference checked out; holds no key material.
 */
export interface DesiredSpec {
  /** The spec file as the user named it, for messages. */
  readonly file: string;
  /** `target.url` from the spec, trailing `/` removed; the lowest-precedence target (contract §3). */
  readonly targetUrl: string | null;
  /** In spec order. */
  readonly sets: readonly DesiredSet[];
}

export interface DesiredSet {
  readonly setId: string;
  /**
   * In spec order, which is write order (contract §5): among the private keys written in one
   * apply, the last one in this list becomes Ory's signer.
   */
  readonly keys: readonly DesiredKey[];
}

export type DesiredKey = DesiredGeneratedKey | DesiredSourceKey;

/** A key Ory generates (`POST /admin/keys/{set}` with this kid, alg and use). */
export interface DesiredGeneratedKey {
  readonly origin: "generated";
  readonly kid: string;
  readonly alg: GenerateAlg;
  readonly use: KeyUse;
}

/**
 * A key keysync uploads from a `file:` or `env:` reference (`PUT /admin/keys/{set}/{kid}`).
 * Only the reference and the material's public facts are kept; the applier resolves the
 * reference again and checks the thumbprint before it uploads anything.
 */
export interface DesiredSourceKey {
  readonly origin: "source";
  /** The spec's kid, else the material's own kid, else its RFC 7638 thumbprint. */
  readonly kid: string;
  readonly alg: string;
  readonly use: KeyUse;
  /** The reference exactly as written in the spec: `file:keys/a.pem` or `env:KEYSYNC_A`. */
  readonly source: string;
  /** Public facts of the key as it will be uploaded (kid, alg and use as above). */
  readonly facts: KeyFacts;
}
