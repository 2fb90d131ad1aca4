import type { LiveSet } from "../../src/ory/key-store.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import type { Plan } from "../../src/plan/types.js";
import type { DesiredSet } from "../../src/spec/types.js";
import type { State } from "../../src/state/types.js";
import { spec, state as emptyState } from "./builders.js";

/** `buildPlan` with the fixed target, version and clock every planner test uses. */
export function planFor(
  sets: readonly DesiredSet[],
  live: ReadonlyMap<string, LiveSet>,
  st: State = emptyState(),
  now: Date = new Date("2026-11-24T12:00:00.000Z"),
): Plan {
  return buildPlan({
    target: "http://127.0.0.1:4445",
    desired: spec(...sets),
    live,
    state: st,
    stateRef: { lineage: st.lineage, serial: st.serial },
    keysyncVersion: "0.1.0",
    now,
  });
}
