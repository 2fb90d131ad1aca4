import type { Diagnostic } from "../../errors.js";
import { isGenerateAlg } from "../../jwk/algorithms.js";
import { describeKey, thumbprintOf } from "../../jwk/describe-key.js";
import { isKeyUse } from "../rules/algorithm.js";
import { keyFitProblems } from "../rules/key-fit.js";
import { resolveKeyMeta } from "../rules/key-meta.js";
import type { ResolvedKey, ResolvedSet, ResolvedSourceKey } from "../rules/resolved-key.js";
import { parseSourceRef } from "../rules/source-ref.js";
import type { Located } from "../schema/located.js";
import type { WrittenKey, WrittenSpec } from "../schema/written-spec.js";
import { loadMaterial } from "./load-material.js";
import type { MaterialContext } from "./load-material.js";
import { toUploadJwk } from "./upload-jwk.js";

export interface ResolvedKeys {
  readonly sets: readonly ResolvedSet[];
  readonly diagnostics: readonly Diagnostic[];
}

type KeyOutcome = { readonly key: ResolvedKey } | { readonly diagnostics: readonly Diagnostic[] };

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
    return await resolveSourceKey(key, key.source, use, ctx);
  } catch {
    // describeKey or jose failing on a key that passed every check would be a bug; say so safely.
    return {
      diagnostics: [{ position: key.source.position, message: `${key.source.value} could not be described` }],
    };
  }
}

async function resolveSourceKey(
  key: WrittenKey,
  source: Located<string>,
  use: ResolvedSourceKey["use"] | null,
  ctx: MaterialContext,
): Promise<KeyOutcome> {
  const fail = (problems: readonly string[], named = true): KeyOutcome => ({
    diagnostics: problems.map((p) => ({
      position: source.position,
      message: named ? `${source.value} ${p}` : p,
    })),
  });
  const ref = parseSourceRef(source.value);
  if (!ref.ok) return fail([ref.problem], false);
  const material = await loadMaterial(ref.ref, ctx);
  if (!material.ok) return fail(material.problems);

  const meta = resolveKeyMeta(
    { kid: key.kid?.value ?? null, alg: key.alg?.value ?? null, use },
    material.jwk,
  );
  if (!meta.ok) return fail(meta.problems);
  const fit = keyFitProblems(material.jwk, meta.meta.alg, meta.meta.use);
  if (fit.length > 0) return fail(fit);

  const kidValue = meta.meta.kid ?? (await thumbprintOf(material.jwk));
  const { alg } = meta.meta;
  const facts = await describeKey(
    toUploadJwk(material.jwk, { kid: kidValue, alg, use: meta.meta.use }),
    kidValue,
  );
  return {
    key: {
      origin: "source",
      position: key.position,
      kid: { value: kidValue, position: key.kid?.position ?? source.position },
      alg,
      use: meta.meta.use,
      source,
      facts,
    },
  };
}
