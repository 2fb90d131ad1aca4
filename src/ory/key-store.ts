import type { Jwk } from "../jwk/jwk.js";
import type { KeyFacts } from "../jwk/key-facts.js";

/** A live key: its facts as Ory reports them. The thumbprint is always known. */
export type LiveKey = KeyFacts & { readonly thumbprint: string; readonly kid: string };

/**
 * A set as Ory holds it right now. Ory has no empty sets: a set without keys is absent (a GET
 * answers 404). `keys` are in Ory's order, newest first, which is signing precedence: the first
 * key with `hasPrivate` is the one Ory signs with (hydra-jwk-contract.md §7).
 */
export type LiveSet =
  | { readonly setId: string; readonly exists: false }
  | { readonly setId: string; readonly exists: true; readonly keys: readonly LiveKey[] };

/** What to ask Ory to generate. The kid is always explicit: a POST without one is not idempotent. */
export interface GenerateRequest {
  readonly kid: string;
  readonly alg: string;
  readonly use: string;
}

/**
 * keysync's view of Ory's JWK admin API, one method per operation it uses. Implementations
 * return public facts only; private members in responses are dropped on arrival.
 *
 * Failure semantics (what a rejected promise leaves behind), in the manner of Pulumi's provider
 * contract. Every failure is an `OryError`.
 * - `readSet`/`readKey`: nothing changed.
 * - `generateKey`: the key may or may not exist. Implementations never send a second POST for
 *   the same kid without first reading the kid, so at most one key exists under it.
 * - `putKey`: the key under `kid` is either the old one or the new one (Ory replaces atomically).
 * - `deleteKey`/`deleteSet`: the key or set may or may not be gone.
 *
 * An unsafe set ID or kid (`isSafeId`, key-id.ts), a PUT whose body kid differs from the path
 * kid, and a key without `alg`/`use` are refused before anything is sent: `OryError("rejected")`
 * with `status` null. The implementation is `createKeyStore` (ory-key-store.ts); docs/ory-adapter.md
 * lists what is retried and what each error kind means.
 */
export interface KeyStore {
  /** The URL requests go to, without a trailing `/`. */
  readonly baseUrl: string;
  /** `GET /admin/keys/{set}`: exactly one request per call (plus retries), never one per key. */
  readSet(setId: string): Promise<LiveSet>;
  /** `GET /admin/keys/{set}/{kid}`; null when the kid (or the set) does not exist. */
  readKey(setId: string, kid: string): Promise<LiveKey | null>;
  /** `POST /admin/keys/{set}`: Ory generates the key, which becomes the set's newest key. */
  generateKey(setId: string, request: GenerateRequest): Promise<LiveKey>;
  /** `PUT /admin/keys/{set}/{kid}` with `jwk.kid === kid`: create or replace one key. */
  putKey(setId: string, kid: string, jwk: Jwk): Promise<LiveKey>;
  /** `DELETE /admin/keys/{set}/{kid}`; succeeds when the key is already absent. */
  deleteKey(setId: string, kid: string): Promise<void>;
  /** `DELETE /admin/keys/{set}`; succeeds when the set is already absent. */
  deleteSet(setId: string): Promise<void>;
}
