import type { Diagnostic } from "../../errors.js";
import { isGenerateAlg } from "../../jwk/algorithms.js";
import { isKeyUse } from "../rules/algorithm.js";
import type { ResolvedKey, ResolvedSet } from "../rules/resolved-key.js";
import type { WrittenKey, WrittenSpec } from "../schema/written-spec.js";
import type { MaterialContext } from "./load-material.js";

export interface ResolvedKeys {
  readonly sets: readonly ResolvedSet[];
  readonly diagnostics: readonly Diagnostic[];
}

export type KeyOutcome = { readonly key: ResolvedKey } | { readonly diagnostics: readonly Diagnostic[] };

/**
 * Turns every intact key of every intact set into a `ResolvedKey`: generated keys as written,
 * `source` keys by reading and checking their material and settling kid, alg and use. Problems
 * with a source are reported at its `source` node (contract §4). The material is dropped here:
 * only public facts leave this function. Never throws.
 *
 * One key at a time: a spec holds a handful of sources, and a hostile one with thousands must
 * not open thousands of files at once.
 */
export async function resolveKeys(written: WrittenSpec, ctx: MaterialContext): Promise<ResolvedKeys> {
  const diagnostics: Diagnostic[] = [];
  const sets: ResolvedSet[] = [];
  for (const set of written.sets) {
    if (!set.intact) continue;
    const keys: ResolvedKey[] = [];
    for (const key of set.keys) {
      if (!key.intact) continue;
      const outcome = await resolveKey(key, ctx);
      if ("key" in outcome) keys.push(outcome.key);
      else diagnostics.push(...outcome.diagnostics);
    }
    sets.push({ setId: set.setId, keys, complete: keys.length === set.keys.length });
  }
  return { sets, diagnostics };
}

async function resolveKey(key: WrittenKey, ctx: MaterialContext): Promise<KeyOutcome> {
  const use = key.use !== null && isKeyUse(key.use.value) ? key.use.value : null;
  if (key.source === null) {
    // The schema guarantees kid and a generate alg on an intact key without source.
    if (key.kid === null || key.alg === null || !isGenerateAlg(key.alg.value)) return { diagnostics: [] };
    return {
      key: {
        origin: "generated",
        position: key.position,
        kid: key.kid,
        alg: key.alg.value,
        use: use ?? "sig",
      },
    };
  }
  try {
    // Loaded only for specs with sources: it brings jose and the key parsers.
    const { resolveSourceKey } = await import("./resolve-source-key.js");
    return await resolveSourceKey(key, key.source, use, ctx);
  } catch {
    // describeKey or jose failing on a key that passed every check would be a bug; say so safely.
    return {
      diagnostics: [{ position: key.source.position, message: `${key.source.value} could not be described` }],
    };
  }
}
