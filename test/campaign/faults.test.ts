import { describe, expect, it } from "vitest";
import { MAX_RUNS, STANDARD_SETTINGS, pool, runFaultSeed } from "../support/campaign-faults.js";
import type { SeedOutcome } from "../support/campaign-faults.js";
import { envCount, reportFigures } from "../support/campaign-run.js";

/**
 * Fault campaign (research/reliability.md §7, T7). Per seed, a fresh embedded Ory fails 25 % of
 * requests with a seeded mix of 500, 503, 429 (reset 0 s or 1 s), connection reset and
 * "committed, then the connection dropped", while the built CLI applies a seeded spec (generated
 * and `source` keys, often on top of an earlier apply, so plans also regenerate, replace and
 * delete). Up to three applies per seed, each followed, once it exits 0, by a fault-free
 * `plan --detailed-exitcode`.
 *
 * What it proves, over every seed:
 * - converged within three runs, always (one-run convergence is reported, not asserted);
 * - no key created twice, no key created under a kid the spec does not declare, and no POST
 *   re-sent without first reading its kid (server request log as the oracle);
 * - afterwards Ory holds exactly the declared kids, the state records each with its live
 *   thumbprint and parses, no run crashes, and no output or file holds key material or the token.
 *
 * `KEYSYNC_CAMPAIGN_SEEDS` sets the number of seeds (20 here, 200 in `npm run soak`). To explore
 * beyond the settings, `KEYSYNC_CAMPAIGN_FAULT_RATE` (percent) and
 * `KEYSYNC_CAMPAIGN_ATTEMPTS` make it harsher: runs then often end with writes unsettled, and the
 * next run must settle them. Convergence within three runs is asserted only at the standard
 * settings; the hard bars always are.
 */
const SEEDS = envCount("KEYSYNC_CAMPAIGN_SEEDS", 20);
const FIRST_SEED = envCount("KEYSYNC_CAMPAIGN_FIRST_SEED", 1);
const CONCURRENCY = envCount("KEYSYNC_CAMPAIGN_CONCURRENCY", 2);
const SETTINGS = {
  rate: envCount("KEYSYNC_CAMPAIGN_FAULT_RATE", STANDARD_SETTINGS.rate * 100) / 100,
  attempts: envCount("KEYSYNC_CAMPAIGN_ATTEMPTS", STANDARD_SETTINGS.attempts),
};
const STANDARD = SETTINGS.rate === STANDARD_SETTINGS.rate && SETTINGS.attempts === STANDARD_SETTINGS.attempts;

function flatten(outcomes: readonly SeedOutcome[], pick: (o: SeedOutcome) => readonly string[]): string[] {
  return outcomes.flatMap((o) => pick(o).map((finding) => `seed ${o.seed}: ${finding}`));
}

describe(`fault campaign: ${SETTINGS.rate * 100} % seeded faults on every request`, () => {
  it(
    `${SEEDS} seeds converge within ${MAX_RUNS} applies with no duplicate, undeclared or unguarded write`,
    async () => {
      const seeds = Array.from({ length: SEEDS }, (_, i) => FIRST_SEED + i);
      const outcomes = await pool(seeds, CONCURRENCY, (seed) => runFaultSeed(seed, SETTINGS));

      const figures = {
        faultRatePercent: SETTINGS.rate * 100,
        attempts: SETTINGS.attempts,
        seeds: outcomes.length,
        convergedIn1: outcomes.filter((o) => o.convergedIn === 1).length,
        convergedWithin3: outcomes.filter((o) => o.convergedIn !== null).length,
        duplicateKeys: flatten(outcomes, (o) => o.duplicates).length,
        undeclaredKidKeys: flatten(outcomes, (o) => o.undeclared).length,
        unguardedPostResends: flatten(outcomes, (o) => o.unguarded).length,
        liveMismatches: flatten(outcomes, (o) => o.mismatches).length,
        orphans: flatten(outcomes, (o) => o.orphans).length,
        unparseableStates: outcomes.filter((o) => o.unparseableState).length,
        crashes: flatten(outcomes, (o) => o.crashes).length,
        applies: outcomes.reduce((n, o) => n + o.exitCodes.length, 0),
        requests: outcomes.reduce((n, o) => n + o.requests, 0),
        faultsInjected: outcomes.reduce((n, o) => n + o.faults, 0),
        postResends: outcomes.reduce((n, o) => n + o.resends, 0),
      };
      reportFigures("faults", figures);

      // The hard bars: every finding is listed with its seed, so a failure can be replayed.
      expect(flatten(outcomes, (o) => o.duplicates)).toEqual([]);
      expect(flatten(outcomes, (o) => o.undeclared)).toEqual([]);
      expect(flatten(outcomes, (o) => o.unguarded)).toEqual([]);
      expect(flatten(outcomes, (o) => o.crashes)).toEqual([]);
      expect(outcomes.filter((o) => o.unparseableState).map((o) => o.seed)).toEqual([]);
      if (STANDARD) expect(outcomes.filter((o) => o.convergedIn === null).map((o) => o.seed)).toEqual([]);
      expect(flatten(outcomes, (o) => o.mismatches)).toEqual([]);
      expect(flatten(outcomes, (o) => o.orphans)).toEqual([]);
      // The campaign really injected faults (a broken fault hook would make everything pass):
      // at a 25 % rate, 40 requests without one happen once in 100 000 campaigns.
      if (figures.requests >= 40) expect(figures.faultsInjected).toBeGreaterThan(0);
    },
    // A hang guard, not a timing assertion: generous per seed on a loaded 2-core machine.
    60_000 + SEEDS * 15_000,
  );
});
