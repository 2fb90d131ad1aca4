import type { Jwk } from "../jwk/jwk.js";

/** A stored key and its insertion number, which stands in for Hydra's `created_at`. */
export interface StoredKey {
  readonly seq: number;
  readonly jwk: Jwk;
}

/** Everything the store holds, as written to `--data FILE`. Keys of a set are oldest first. */
export interface StoreSnapshot {
  readonly counter: number;
  readonly sets: Readonly<Record<string, readonly StoredKey[]>>;
}

/** A stored key's kid; Hydra stores an absent kid as "" (hydra-jwk-contract.md §4.3). */
export function kidOf(jwk: Jwk): string {
  return typeof jwk.kid === "string" ? jwk.kid : "";
}

/**
 * Hydra's `hydra_jwk` table in memory (hydra-jwk-contract.md §4, §7):
 * - rows keyed by (set, kid), kid unique per set, "" included — a second insert is a conflict;
 * - every insert takes the next value of one monotonic counter, Hydra's `created_at` without the
 *   ties MySQL has, and reads return newest first, which is signing precedence;
 * - a set exists exactly while it has rows: removing the last key makes it absent (404).
 * Every method is synchronous, so each one is atomic with respect to concurrent requests, like
 * Hydra's transactions. Values are cloned on the way in; callers must not mutate what they get.
 */
export class JwkStore {
  readonly #sets = new Map<string, StoredKey[]>();
  #counter: number;

  constructor(snapshot?: StoreSnapshot) {
    this.#counter = snapshot?.counter ?? 0;
    for (const [setId, keys] of Object.entries(snapshot?.sets ?? {})) {
      if (keys.length > 0)
        this.#sets.set(
          setId,
          keys.map((k) => ({ seq: k.seq, jwk: structuredClone(k.jwk) })),
        );
    }
  }

  has(setId: string): boolean {
    return this.#sets.has(setId);
  }

  /** `GetKeySet`: newest first, or undefined when the set has no rows. */
  getSet(setId: string): readonly Jwk[] | undefined {
    const rows = this.#sets.get(setId);
    return rows?.map((r) => r.jwk).reverse();
  }

  getKey(setId: string, kid: string): Jwk | undefined {
    return this.#sets.get(setId)?.find((r) => kidOf(r.jwk) === kid)?.jwk;
  }

  /** `AddKeySet`: inserts in order, all or nothing; "conflict" on any existing or repeated kid. */
  add(setId: string, jwks: readonly Jwk[]): "ok" | "conflict" {
    const rows = this.#sets.get(setId) ?? [];
    const taken = new Set(rows.map((r) => kidOf(r.jwk)));
    for (const jwk of jwks) {
      if (taken.has(kidOf(jwk))) return "conflict";
      taken.add(kidOf(jwk));
    }
    if (jwks.length === 0) return "ok";
    this.#sets.set(setId, [...rows, ...jwks.map((jwk) => this.#row(jwk))]);
    return "ok";
  }

  /** `UpdateKey`: delete (set, kid) then insert, so the key becomes the newest (§4.3). */
  upsert(setId: string, jwk: Jwk): void {
    const rows = (this.#sets.get(setId) ?? []).filter((r) => kidOf(r.jwk) !== kidOf(jwk));
    this.#sets.set(setId, [...rows, this.#row(jwk)]);
  }

  /** `UpdateKeySet`: delete the set, insert the keys in body order; unchanged on conflict (§4.2). */
  replace(setId: string, jwks: readonly Jwk[]): "ok" | "conflict" {
    if (new Set(jwks.map(kidOf)).size !== jwks.length) return "conflict";
    this.#sets.delete(setId);
    return this.add(setId, jwks);
  }

  /** True when something was removed. */
  deleteSet(setId: string): boolean {
    return this.#sets.delete(setId);
  }

  deleteKey(setId: string, kid: string): boolean {
    const rows = this.#sets.get(setId);
    if (rows === undefined) return false;
    const kept = rows.filter((r) => kidOf(r.jwk) !== kid);
    if (kept.length === rows.length) return false;
    if (kept.length === 0) this.#sets.delete(setId);
    else this.#sets.set(setId, kept);
    return true;
  }

  snapshot(): StoreSnapshot {
    // fromEntries defines own properties, so a set named `__proto__` stays an ordinary key.
    return { counter: this.#counter, sets: Object.fromEntries(this.#sets) };
  }

  #row(jwk: Jwk): StoredKey {
    this.#counter += 1;
    return { seq: this.#counter, jwk: structuredClone(jwk) };
  }
}
