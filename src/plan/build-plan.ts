import { InternalError } from "../errors.js";
import type { LiveKey, LiveSet } from "../ory/key-store.js";
import type { DesiredSet, DesiredSpec } from "../spec/types.js";
import { isReservedSet } from "../spec/types.js";
import type { ManagedSet, State } from "../state/types.js";
import { compareIds } from "../jwk/key-id.js";
import { diffSet } from "./diff-set.js";
import { simulateSet } from "./signer.js";
import type { Plan, PlanEntry, PlanProblem, SetPlan, StateRef } from "./types.js";
import { warnForSet } from "./warnings.js";

export interface PlanInputs {
  /** The resolved target URL (contract §3), no trailing `/`. */
  readonly target: string;
  readonly desired: DesiredSpec;
  /** A read of every set that is declared or managed. */
  readonly live: ReadonlyMap<string, LiveSet>;
  /** The state with unfinished writes already settled against `live` (settle.ts). */
  readonly state: State;
  /** The state file as read from disk: what a saved plan must find unchanged at apply. */
  readonly stateRef: StateRef;
  readonly keysyncVersion: string;
  /** The clock, passed in so the planner stays pure and plans are reproducible. */
  readonly now: Date;
}

/**
 * Desired spec + live Ory + state → the plan (contract §5). Pure and synchronous: every input
 * is read before, nothing is written here, and the same inputs always give the same plan.
 */
export function buildPlan(inputs: PlanInputs): Plan {
  const declared = new Map(inputs.desired.sets.map((s) => [s.setId, s]));
  const setIds = [...new Set([...declared.keys(), ...inputs.state.sets.keys()])].sort(compareIds);
  const sets: SetPlan[] = [];
  const forgotten: string[] = [];
  const errors: PlanProblem[] = [];
  const warnings: PlanProblem[] = [];

  for (const setId of setIds) {
    const liveSet = inputs.live.get(setId);
    if (liveSet === undefined) throw new InternalError(`set ${setId} was not read before planning`);
    const live = liveSet.exists ? liveSet.keys : null;
    const desired = declared.get(setId);
    const managed = inputs.state.sets.get(setId);

    if (desired === undefined && managed !== undefined && live === null) {
      forgotten.push(setId);
      continue;
    }
    const planned = planSet(setId, desired, managed, live);
    errors.push(...planned.errors);
    const sim = simulateSet(live, planned.entries);
    warnings.push(...warnForSet(setId, planned.entries, sim));
    sets.push({
      setId,
      declared: desired !== undefined,
      managed: managed !== undefined,
      live,
      entries: planned.entries,
      signer: { before: sim.signerBefore, after: sim.signerAfter },
    });
  }

  return {
    keysyncVersion: inputs.keysyncVersion,
    target: inputs.target,
    createdAt: inputs.now.toISOString(),
    state: inputs.stateRef,
    sets,
    forgotten,
    errors,
    warnings,
  };
}

interface PlannedSet {
  readonly entries: readonly PlanEntry[];
  readonly errors: readonly PlanProblem[];
}

function planSet(
  setId: string,
  desired: DesiredSet | undefined,
  managed: ManagedSet | undefined,
  live: readonly LiveKey[] | null,
): PlannedSet {
  if (desired === undefined) {
    // Managed, no longer declared, still live: the whole set goes, unless Ory would just
    // regenerate it with a random key (contract §5).
    if (live === null) throw new InternalError(`forgotten set ${setId} reached planSet`);
    if (isReservedSet(setId)) {
      return {
        entries: [],
        errors: [
          {
            code: "reserved_set_delete",
            setId,
            kid: null,
            message:
              `${setId} is a Hydra reserved set and is never deleted (Ory regenerates it at once with a random key); ` +
              `keep declaring it, or run \`keysync state rm ${setId}\` to stop managing it`,
          },
        ],
      };
    }
    return { entries: [{ kind: "delete-set", setId, before: live, reason: "set_not_declared" }], errors: [] };
  }
  if (managed === undefined && live !== null) {
    // keysync never silently takes over a set it did not create.
    return {
      entries: [],
      errors: [
        {
          code: "unmanaged_set_exists",
          setId,
          kid: null,
          message:
            `set ${setId} already exists on Ory (${live.length} ${live.length === 1 ? "key" : "keys"}) and keysync does not manage it; ` +
            `to adopt it, run \`keysync import ${setId}\``,
        },
      ],
    };
  }
  return diffSet(desired, live, managed);
}
