import type { ResolvedSet } from "./rules/resolved-key.js";
import { normalizeTargetUrl } from "./rules/target-url.js";
import type { DesiredKey, DesiredSpec } from "./types.js";

/**
 * The last step of `checkSpec`, run only when nothing was wrong: resolved sets become the
 * `DesiredSpec` the planner reads. Defaults are already filled (`use: sig`, source kids), so
 * this drops positions and keeps spec order, which is write order (contract §5).
 */
export function normalizeSpec(
  file: string,
  targetUrl: string | null,
  sets: readonly ResolvedSet[],
): DesiredSpec {
  return {
    file,
    targetUrl: targetUrl === null ? null : normalizeTargetUrl(targetUrl),
    sets: sets.map((set) => ({
      setId: set.setId.value,
      keys: set.keys.map((key): DesiredKey => {
        switch (key.origin) {
          case "generated":
            return { origin: "generated", kid: key.kid.value, alg: key.alg, use: key.use };
          case "source":
            return {
              origin: "source",
              kid: key.kid.value,
              alg: key.alg,
              use: key.use,
              source: key.source.value,
              facts: key.facts,
            };
        }
      }),
    })),
  };
}
