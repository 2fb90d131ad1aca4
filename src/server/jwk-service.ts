import { randomUUID } from "node:crypto";
import type { GenerateAlg } from "../jwk/algorithms.js";
import type { Jwk } from "../jwk/jwk.js";
import { hasPrivateMaterial } from "../jwk/jwk.js";
import { generateJwk } from "./generate-jwk.js";
import type { JwkStore } from "./jwk-store.js";
import type { SnapshotWriter } from "./persist-store.js";

/** Hydra's reserved sets, always broadcast and regenerated on use (hydra-jwk-contract.md §8). */
export const RESERVED_SETS = ["hydra.openid.id-token", "hydra.jwt.access-token"] as const;

/** Hydra's `webfinger.jwks.broadcast_keys` schema default. */
export const DEFAULT_BROADCAST_SETS: readonly string[] = ["hydra.openid.id-token"];

export type CreateResult = { readonly kind: "created"; readonly jwk: Jwk } | { readonly kind: "conflict" };

/**
 * The key store plus what Hydra does around it: generation, automatic generation for the
 * signing and JWKS paths, and persistence after each change. HTTP-free, so the in-process test
 * API (`putRaw`, `sign`…) and the HTTP handlers share one behaviour.
 */
export class JwkService {
  readonly store: JwkStore;
  readonly #writer: SnapshotWriter | null;
  readonly #rsaBits: number;
  readonly #broadcastSets: readonly string[];
  readonly #generating = new Map<string, Promise<void>>();

  constructor(options: {
    readonly store: JwkStore;
    readonly writer: SnapshotWriter | null;
    readonly rsaBits: number;
    readonly broadcastSets: readonly string[];
  }) {
    this.store = options.store;
    this.#writer = options.writer;
    this.#rsaBits = options.rsaBits;
    this.#broadcastSets = options.broadcastSets;
  }

  /** Writes the current state to the data file, if there is one. */
  async persist(): Promise<void> {
    await this.#writer?.save(this.store.snapshot());
  }

  /**
   * POST: generate first, insert second, as Hydra does, so two racing POSTs for one kid give one
   * 201 and one 409 (§4.1). The new key is the newest and therefore the signer.
   */
  async create(setId: string, alg: GenerateAlg, kid: string, use: string): Promise<CreateResult> {
    const jwk = await generateJwk(alg, { kid, use, rsaBits: this.#rsaBits });
    if (this.store.add(setId, [jwk]) === "conflict") return { kind: "conflict" };
    await this.persist();
    return { kind: "created", jwk };
  }

  /** The sets `/.well-known/jwks.json` publishes: broadcast plus reserved, first occurrence wins. */
  wellKnownSets(): readonly string[] {
    return [...new Set([...this.#broadcastSets, ...RESERVED_SETS])];
  }

  /** JWKS path (`getOrGenerateKeySet`): a *missing* set gets a random RS256 key (§4.8). */
  async readOrGenerateMissing(setId: string): Promise<readonly Jwk[]> {
    return this.#readOrGenerate(setId, (keys) => keys === undefined);
  }

  /** Signing path (`GetOrGenerateKeys`): missing *or without a private key* → generate (§7, §8). */
  async readOrGenerateSigning(setId: string): Promise<readonly Jwk[]> {
    return this.#readOrGenerate(setId, (keys) => !(keys?.some(hasPrivateMaterial) ?? false));
  }

  async #readOrGenerate(
    setId: string,
    needed: (keys: readonly Jwk[] | undefined) => boolean,
  ): Promise<readonly Jwk[]> {
    for (;;) {
      const keys = this.store.getSet(setId);
      if (keys !== undefined && !needed(keys)) return keys;
      await this.#generateOnce(setId, () => needed(this.store.getSet(setId)));
    }
  }

  /** Hydra's singleflight: concurrent callers for one set share one generation (§8). */
  #generateOnce(setId: string, stillNeeded: () => boolean): Promise<void> {
    const pending = this.#generating.get(setId);
    if (pending !== undefined) return pending;
    const run = (async () => {
      if (!stillNeeded()) return;
      const jwk = await generateJwk("RS256", { kid: randomUUID(), use: "sig", rsaBits: this.#rsaBits });
      this.store.add(setId, [jwk]);
      await this.persist();
    })().finally(() => this.#generating.delete(setId));
    this.#generating.set(setId, run);
    return run;
  }
}
