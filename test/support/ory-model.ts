import { generatedKeyShape } from "../../src/jwk/algorithms.js";
import type { GenerateAlg } from "../../src/jwk/algorithms.js";
import type { LiveKey, LiveSet } from "../../src/ory/key-store.js";
import { isAction } from "../../src/plan/types.js";
import type { Plan } from "../../src/plan/types.js";
import { ensureSet, forgetKey, forgetSet, managedKeyOf, recordKey } from "../../src/state/mutations.js";
import type { State } from "../../src/state/types.js";
import { tp } from "./builders.js";

/**
 * A tiny model of Ory plus the applier, as a test oracle for the planner: executes a plan's
 * actions on live sets (writes become the newest key, as Hydra orders by created_at) and on
 * the state. Generated keys get fresh material from `fresh()`.
 */
export function applyToModel(
  plan: Plan,
  live: ReadonlyMap<string, LiveSet>,
  state: State,
  fresh: () => string,
): { live: Map<string, LiveSet>; state: State } {
  const sets = new Map<string, LiveKey[]>();
  for (const [id, set] of live) sets.set(id, set.exists ? [...set.keys] : []);
  let st = state;
  for (const id of plan.forgotten) st = forgetSet(st, id);
  for (const setPlan of plan.sets) {
    const keys = sets.get(setPlan.setId) ?? [];
    let current = keys;
    if (setPlan.declared && setPlan.entries.some(isAction)) st = ensureSet(st, setPlan.setId);
    for (const entry of setPlan.entries) {
      switch (entry.kind) {
        case "no-op":
          break;
        case "generate":
        case "regenerate": {
          const shape = generatedKeyShape(entry.alg as GenerateAlg);
          const key: LiveKey = {
            kid: entry.kid,
            kty: shape.kty,
            alg: entry.alg,
            use: entry.use,
            crv: shape.crv,
            size: shape.size ?? 2048,
            thumbprint: tp(fresh()),
            hasPrivate: true,
          };
          current = [key, ...current.filter((k) => k.kid !== entry.kid)];
          st = recordKey(st, entry.setId, managedKeyOf(key, "generated"));
          break;
        }
        case "upload": {
          const key: LiveKey = { ...entry.after };
          current = [key, ...current.filter((k) => k.kid !== entry.kid)];
          st = recordKey(st, entry.setId, managedKeyOf(key, "source"));
          break;
        }
        case "delete-key":
          current = current.filter((k) => k.kid !== entry.kid);
          st = forgetKey(st, entry.setId, entry.kid);
          break;
        case "delete-set":
          current = [];
          st = forgetSet(st, entry.setId);
          break;
      }
    }
    sets.set(setPlan.setId, current);
  }
  const out = new Map<string, LiveSet>();
  for (const [setId, keys] of sets)
    out.set(setId, keys.length > 0 ? { setId, exists: true, keys } : { setId, exists: false });
  return { live: out, state: st };
}
