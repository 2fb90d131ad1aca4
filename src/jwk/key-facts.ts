/** The allowed values of a JWK's `use` member (RFC 7517 §4.2). */
export type KeyUse = "sig" | "enc";

/**
 * Where a managed key came from. `generated`: Ory made it from a POST keysync sent; `source`:
 * keysync uploaded it from a `file:`/`env:` reference; `imported`: it was live when
 * `keysync import` adopted its set.
 */
export type KeyOrigin = "generated" | "source" | "imported";

/**
 * Everything that is safe to know about a key: what plans, state files and every output show.
 * Never holds private members; a private part shows only as `hasPrivate`.
 *
 * Equality of key material is equality of `thumbprint` (RFC 7638: a private JWK and its public
 * part have the same thumbprint). `thumbprint` and `size` are null only for a key that Ory has
 * yet to generate (a planned POST), where they are "known after apply".
 */
export interface KeyFacts {
  readonly kid: string;
  /** `RSA`, `EC`, `OKP` or `oct` for keys keysync makes; live keys may say anything Ory stored. */
  readonly kty: string;
  /** Null when the key has no `alg` (Ory omits empty members). */
  readonly alg: string | null;
  readonly use: string | null;
  readonly crv: string | null;
  /** Key size in bits: RSA modulus, EC/OKP curve size, oct key length. */
  readonly size: number | null;
  /** RFC 7638 SHA-256 thumbprint, base64url. */
  readonly thumbprint: string | null;
  /** The key has private material (`d`), or is symmetric (`oct`): Ory may sign with it. */
  readonly hasPrivate: boolean;
}

/** How a key is named in messages and plans: `set/kid`, the plan's resource address. */
export function keyAddress(setId: string, kid: string): string {
  return `${setId}/${kid}`;
}
