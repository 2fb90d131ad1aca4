import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACTIONS_IN_PLAN,
  CRASH_SET,
  boundaryPoints,
  killAndRecover,
  label,
  prepareCrashWorld,
  randomPoints,
} from "../support/campaign-crash.js";
import type { KillOutcome } from "../support/campaign-crash.js";
import { envCount, reportFigures } from "../support/campaign-run.js";
import { E2eWorld } from "../support/e2e-kit.js";

/**
 * Crash campaign (research/reliability.md §7, T1): `kill -9` of the built CLI's apply of a
 * 12-action plan (14 writes: regenerations, creates, a source upload, a source replacement,
 * deletes) at every action boundary — when the server receives the k-th write (it commits it;
 * nobody hears the answer) and right after it answered (before the state records it) — and at
 * seeded random moments inside any request. After each kill, what it proves:
 * - the state file still parses with keysync's own parser;
 * - the next apply converges (exit 0, then `plan --detailed-exitcode` exit 0, nothing pending);
 * - Ory holds exactly the declared kids (no duplicate, nothing lost), every live key is recorded
 *   in the state with its thumbprint (no orphan);
 * - each key the plan creates was written exactly once across the killed run and the recovery:
 *   an unfinished write is settled by reading, never repeated.
 *
 * `npm test` kills once per write (alternating sides) plus `KEYSYNC_CRASH_RANDOM_KILLS` (2)
 * random kills; `npm run soak` sets `KEYSYNC_CRASH_BOTH_SIDES=1` and 30 random kills (≥ 50).
 * Every fourth recovery runs the built CLI; the others run in-process through `main()` (the same
 * code) to keep the campaign quick.
 */
const BOTH_SIDES = process.env["KEYSYNC_CRASH_BOTH_SIDES"] === "1";
const RANDOM_KILLS = envCount("KEYSYNC_CRASH_RANDOM_KILLS", 2);
const POINTS = [...boundaryPoints(BOTH_SIDES), ...randomPoints(RANDOM_KILLS, 1)];

let world: E2eWorld;
beforeAll(async () => {
  world = await E2eWorld.start();
});
afterAll(async () => {
  await world.stop();
});

function findings(outcomes: readonly KillOutcome[], pick: (o: KillOutcome) => readonly string[]): string[] {
  return outcomes.flatMap((o) => pick(o).map((f) => `${label(o.point)}: ${f}`));
}

describe(`crash campaign: kill -9 during a ${ACTIONS_IN_PLAN}-action apply`, () => {
  it(
    `${POINTS.length} kill points: every recovery converges with no duplicate, orphan or torn state`,
    async () => {
      const snapshot = await prepareCrashWorld(world);
      const outcomes: KillOutcome[] = [];
      for (const [i, point] of POINTS.entries()) {
        // Every fourth recovery is a real process too: lock takeover from a dead pid, cold start.
        outcomes.push(await killAndRecover(world, snapshot, point, i % 4 === 0));
      }
      world.expectNoSecrets();

      const killed = outcomes.filter((o) => o.killed);
      const figures = {
        killPoints: outcomes.length,
        killed: killed.length,
        converged: killed.filter((o) => o.recovered).length,
        duplicates: findings(outcomes, (o) => o.duplicates).length,
        orphans: findings(outcomes, (o) => o.orphans).length,
        liveMismatches: findings(outcomes, (o) => o.mismatches).length,
        notExactlyOnce: findings(outcomes, (o) => o.creationErrors).length,
        unparseableStates: outcomes.filter((o) => !o.stateParses).length,
        crashes: findings(outcomes, (o) => o.crashes).length,
      };
      reportFigures("crash", figures);

      expect(outcomes.filter((o) => !o.stateParses).map((o) => label(o.point))).toEqual([]);
      expect(outcomes.filter((o) => !o.recovered).map((o) => label(o.point))).toEqual([]);
      expect(findings(outcomes, (o) => o.duplicates)).toEqual([]);
      expect(findings(outcomes, (o) => o.mismatches)).toEqual([]);
      expect(findings(outcomes, (o) => o.orphans)).toEqual([]);
      expect(findings(outcomes, (o) => o.creationErrors)).toEqual([]);
      expect(findings(outcomes, (o) => o.crashes)).toEqual([]);
      // Nearly every point kills (one scheduled after the last answer may land after apply ended).
      expect(killed.length).toBeGreaterThanOrEqual(POINTS.length - 1 - RANDOM_KILLS);
      expect((await world.liveKids(CRASH_SET)).length).toBeGreaterThan(0);
    },
    60_000 + POINTS.length * 10_000,
  );
});
