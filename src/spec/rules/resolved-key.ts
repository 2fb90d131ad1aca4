import type { SourcePosition } from "../../errors.js";
import type { GenerateAlg } from "../../jwk/algorithms.js";
import type { KeyFacts, KeyUse } from "../../jwk/key-facts.js";
import type { Located } from "../schema/located.js";

/**
 * A key after its `source` (if any) was read and checked: what the set-level rules look at.
 * Holds public facts only; the material itself is dropped as soon as it has been described.
 */
export type ResolvedKey = ResolvedGeneratedKey | ResolvedSourceKey;

export interface ResolvedGeneratedKey {
  readonly origin: "generated";
  /** Where the key's map starts. */
  readonly position: SourcePosition;
  readonly kid: Located<string>;
  readonly alg: GenerateAlg;
  readonly use: KeyUse;
}

export interface ResolvedSourceKey {
  readonly origin: "source";
  readonly position: SourcePosition;
  /** The kid it will be uploaded under; positioned at the spec's `kid`, else at `source`. */
  readonly kid: Located<string>;
  readonly alg: string;
  readonly use: KeyUse;
  readonly source: Located<string>;
  readonly facts: KeyFacts;
}

export interface ResolvedSet {
  readonly setId: Located<string>;
  readonly keys: readonly ResolvedKey[];
  /**
   * True when every key of the set is here. Keys that failed the schema or their `source` are
   * left out, so rules about what a set lacks (reserved sets) run only on complete sets.
   */
  readonly complete: boolean;
}
