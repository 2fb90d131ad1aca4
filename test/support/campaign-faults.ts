import { seededFaults } from "../../src/server/index.js";
import type { SeededFaultKind } from "../../src/server/index.js";
import {
  duplicateCreations,
  liveMismatches,
  postResends,
  undeclaredCreations,
  unguardedResends,
} from "./campaign-oracles.js";
import { FAST_RETRY_ENV, runMain } from "./campaign-run.js";
import type { MainResult } from "./campaign-run.js";
import { declaredOf, faultScenario, renderSpec, sourceKeysOf } from "./campaign-specs.js";
import { checkState } from "./campaign-state.js";
import { E2eWorld } from "./e2e-kit.js";

/**
 * One seed of the fault campaign (research/reliability.md §7, T7): a fresh embedded Ory, a seeded
 * spec (maybe on top of an earlier clean apply, so the plan also replaces and deletes), then up
 * to three `keysync apply --auto-approve` runs of the built CLI while the server fails 25 % of
 * requests with a seeded mix, until an apply exits 0 and a fault-free `plan --detailed-exitcode`
 * says there is nothing left to do.
 */

/** 500, 503, 429, connection reset, and "committed, then the connection dropped", equally. */
export const FAULT_MIX: Readonly<Partial<Record<SeededFaultKind, number>>> = {
  "500": 1,
  "503": 1,
  "429": 1,
  reset: 1,
  "commit-then-drop": 1,
};
export const FAULT_RATE = 0.25;
export const MAX_RUNS = 3;

/** How hard a campaign hits: the 25 % and keysync's default 5 attempts, or harsher. */
export interface FaultSettings {
  readonly rate: number;
  /** `KEYSYNC_RETRY_MAX_ATTEMPTS` of the applies. */
  readonly attempts: number;
}

export const STANDARD_SETTINGS: FaultSettings = { rate: FAULT_RATE, attempts: 5 };

export interface SeedOutcome {
  readonly seed: number;
  /** Exit codes of the applies, in order. */
  readonly exitCodes: readonly (number | null)[];
  /** 1–3: the run after which Ory matched the spec; null when three runs did not do it. */
  readonly convergedIn: number | null;
  readonly duplicates: readonly string[];
  readonly undeclared: readonly string[];
  readonly unguarded: readonly string[];
  /** Live kids that differ from the spec once the runs are over. */
  readonly mismatches: readonly string[];
  readonly orphans: readonly string[];
  readonly unparseableState: boolean;
  /** Runs whose stderr reported an internal error or that did not exit 0 or 1. */
  readonly crashes: readonly string[];
  readonly faults: number;
  readonly requests: number;
  /** POSTs sent again for the same kid (each must have been preceded by a read of it). */
  readonly resends: number;
}

const INTERNAL = /internal error|this is a bug/i;

/** Runs one seed in its own world; checks for secrets in every output and file before returning. */
export async function runFaultSeed(
  seed: number,
  settings: FaultSettings = STANDARD_SETTINGS,
): Promise<SeedOutcome> {
  const world = await E2eWorld.start();
  try {
    return await inWorld(world, seed, settings);
  } finally {
    await world.stop();
  }
}

async function inWorld(world: E2eWorld, seed: number, settings: FaultSettings): Promise<SeedOutcome> {
  const scenario = faultScenario(seed, `f${seed}`);
  for (const key of sourceKeysOf(scenario.before, scenario.after)) {
    world.write(key.file, key.text);
    world.canary.addJwk(key.jwk, key.file);
  }
  const env = { ORY_SDK_URL: world.server.url, ORY_PROJECT_API_KEY: world.token, ...FAST_RETRY_ENV };
  const inProcess = async (argv: readonly string[]): Promise<MainResult> => {
    const result = await runMain(argv, { cwd: world.dir, env });
    world.outputs.push({ label: `in-process ${argv.join(" ")}`, text: result.stdout + result.stderr });
    return result;
  };
  const setIds = [...scenario.after.keys(), ...scenario.retired];
  if (scenario.before !== null) {
    world.write("keysets.yaml", renderSpec(scenario.before));
    const setup = await inProcess(["apply", "--auto-approve"]);
    if (setup.code !== 0)
      throw new Error(`seed ${seed}: the fault-free setup apply failed:\n${setup.stderr}`);
    await world.learnKeys(...scenario.before.keys());
  }
  world.write("keysets.yaml", renderSpec(scenario.after));

  const mark = world.mark();
  const policy = seededFaults({ seed, rate: settings.rate, mix: FAULT_MIX, resetSeconds: seed % 2 });
  const applyEnv = { ...FAST_RETRY_ENV, KEYSYNC_RETRY_MAX_ATTEMPTS: String(settings.attempts) };
  const exitCodes: (number | null)[] = [];
  const crashes: string[] = [];
  let convergedIn: number | null = null;
  for (let run = 1; run <= MAX_RUNS && convergedIn === null; run++) {
    world.server.setFaults(policy);
    const result = await world.keysync(["apply", "--auto-approve"], { env: applyEnv });
    world.server.setFaults(null);
    await world.learnKeys(...setIds);
    exitCodes.push(result.code);
    if ((result.code !== 0 && result.code !== 1) || INTERNAL.test(result.stderr)) {
      crashes.push(`run ${run}: exit ${String(result.code)} ${result.signal ?? ""}`);
    }
    if (result.code !== 0) continue;
    const check = await inProcess(["plan", "--detailed-exitcode"]);
    if (check.code === 0) convergedIn = run;
  }
  world.expectNoSecrets();

  const log = world.server.requests.slice(mark);
  const declared = declaredOf(scenario.after);
  const state = await checkState(world.path("keysync.state.json"), world.server, setIds);
  return {
    seed,
    exitCodes,
    convergedIn,
    duplicates: duplicateCreations(log),
    undeclared: undeclaredCreations(log, declared),
    unguarded: unguardedResends(log),
    mismatches:
      convergedIn === null
        ? []
        : await liveMismatches((id) => world.liveKids(id), declared, scenario.retired),
    orphans: convergedIn === null ? [] : state.orphans,
    unparseableState: !state.parses,
    crashes,
    faults: log.filter((r) => r.fault !== null).length,
    requests: log.length,
    resends: postResends(log),
  };
}

/** Runs `task` over `items` with at most `concurrency` at once, results in input order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
