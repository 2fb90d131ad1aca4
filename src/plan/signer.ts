import type { LiveKey } from "../ory/key-store.js";
import { assertNever } from "../errors.js";
import type { PlanEntry } from "./types.js";

/** A key in the simulated set: just what decides signing. */
export interface SimulatedKey {
  readonly kid: string;
  readonly kty: string;
  readonly use: string | null;
  readonly hasPrivate: boolean;
  /** Written by this apply (so new material, a new position, or both). */
  readonly written: boolean;
}

export interface Simulation {
  /** The set after apply, newest first (Ory's order); empty when the set is gone. */
  readonly after: readonly SimulatedKey[];
  readonly signerBefore: string | null;
  readonly signerAfter: string | null;
  /** Kids regenerated at a moment when no other key in the set had private material. */
  readonly unsignedGaps: readonly string[];
}

/**
 * Replays the planned writes the way Ory orders keys (hydra-jwk-contract.md §7): every POST and
 * every PUT inserts a key as the newest; deletes remove it; the signer is the first key with
 * private material. Untouched keys keep their order from the GET.
 */
export function simulateSet(live: readonly LiveKey[] | null, entries: readonly PlanEntry[]): Simulation {
  let keys: SimulatedKey[] = (live ?? []).map((k) => ({
    kid: k.kid,
    kty: k.kty,
    use: k.use,
    hasPrivate: k.hasPrivate,
    written: false,
  }));
  const signerBefore = signerOf(keys);
  const unsignedGaps: string[] = [];
  const without = (kid: string): SimulatedKey[] => keys.filter((k) => k.kid !== kid);

  for (const entry of entries) {
    switch (entry.kind) {
      case "no-op":
        break;
      case "generate":
        keys = [
          { kid: entry.kid, kty: entry.after.kty, use: entry.use, hasPrivate: true, written: true },
          ...without(entry.kid),
        ];
        break;
      case "regenerate": {
        const between = without(entry.kid);
        if (signerOf(keys) !== null && signerOf(between) === null) unsignedGaps.push(entry.kid);
        keys = [
          { kid: entry.kid, kty: entry.after.kty, use: entry.use, hasPrivate: true, written: true },
          ...between,
        ];
        break;
      }
      case "upload":
        keys = [
          {
            kid: entry.kid,
            kty: entry.after.kty,
            use: entry.after.use,
            hasPrivate: entry.after.hasPrivate,
            written: true,
          },
          ...without(entry.kid),
        ];
        break;
      case "delete-key":
        keys = without(entry.kid);
        break;
      case "delete-set":
        keys = [];
        break;
      default:
        assertNever(entry, "plan entry");
    }
  }
  return { after: keys, signerBefore, signerAfter: signerOf(keys), unsignedGaps };
}

/** Ory's signer: the newest key with private material, whatever its `use` or `alg`. */
export function signerOf(
  keys: readonly { readonly kid: string; readonly hasPrivate: boolean }[],
): string | null {
  return keys.find((k) => k.hasPrivate)?.kid ?? null;
}
