import type { KeyOrigin } from "../jwk/key-facts.js";

/** The state format this keysync writes; it refuses to touch a file with a higher version. */
export const STATE_VERSION = 1;

/**
 * What keysync manages (contract §7). Ory cannot list sets, so this file is the ownership record:
 * a set is managed once keysync created or imported it. Holds facts, never key material.
 *
 * Invariants: `lineage` is set once when the state is created and never changes; `serial` grows
 * by one on every write that changes content; `sets` are sorted by set ID and keys by kid.
 *
 * On disk: codec.ts (the JSON format, version 1, validated field by field on read; set IDs and
 * kids must pass `isValidId`). Durability: store.ts (`StateStore.update` owns `serial` and
 * `keysyncVersion`; mutations return a new State and never touch those two or `lineage`).
 */
export interface State {
  readonly lineage: string;
  readonly serial: number;
  /** The keysync that last wrote this state. */
  readonly keysyncVersion: string;
  /** The Ory URL the managed sets live on; null until the first write against a target. */
  readonly target: string | null;
  readonly sets: ReadonlyMap<string, ManagedSet>;
  /**
   * Writes keysync started but has not recorded an outcome for (a crash or a lost response).
   * Each is recorded before its request is sent and settled by reading the set (settle.ts).
   */
  readonly pending: readonly Intent[];
}

export interface ManagedSet {
  readonly setId: string;
  /** Sorted by kid. May be empty: a set keysync created whose keys were all deleted since. */
  readonly keys: readonly ManagedKey[];
}

/** A managed key as last seen or written by keysync. */
export interface ManagedKey {
  readonly kid: string;
  readonly kty: string;
  readonly alg: string | null;
  readonly use: string | null;
  /** RFC 7638 thumbprint of the key keysync created, uploaded or imported: tamper evidence. */
  readonly thumbprint: string;
  readonly origin: KeyOrigin;
  readonly hasPrivate: boolean;
}

/**
 * A write in flight. keysync chooses every kid, so after a crash the outcome of any write can be
 * learnt by reading the set: whether the kid is there, and with which thumbprint.
 */
export type Intent =
  /** POST: Ory generates `kid`. The thumbprint is unknown until Ory answers. */
  | {
      readonly op: "generate-key";
      readonly setId: string;
      readonly kid: string;
      readonly alg: string;
      readonly use: string;
    }
  /** PUT of a `source` key: done when `kid` is live with `thumbprint`. */
  | {
      readonly op: "put-key";
      readonly setId: string;
      readonly kid: string;
      readonly kty: string;
      readonly alg: string;
      readonly use: string;
      readonly thumbprint: string;
      readonly hasPrivate: boolean;
    }
  | { readonly op: "delete-key"; readonly setId: string; readonly kid: string }
  | { readonly op: "delete-set"; readonly setId: string };
