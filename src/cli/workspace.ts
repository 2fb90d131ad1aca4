import { StateError } from "../errors.js";
import type { KeyStore, LiveSet } from "../ory/key-store.js";
import { createKeyStore } from "../ory/ory-key-store.js";
import { readSets } from "../ory/read-sets.js";
import type { Target } from "../ory/target.js";
import { resolveTarget, tlsChecksOff } from "../ory/target.js";
import { buildPlan } from "../plan/build-plan.js";
import type { Plan } from "../plan/types.js";
import { loadSpec } from "../spec/load-spec.js";
import type { DesiredSpec } from "../spec/types.js";
import { settleIntents } from "../state/settle.js";
import type { Settlement } from "../state/settle.js";
import { StateStore } from "../state/store.js";
import type { State } from "../state/types.js";
import { KEYSYNC_VERSION } from "../version.js";
import { httpTuningFrom } from "./http-tuning.js";
import type { Io } from "./io.js";
import type { Paths } from "./paths.js";

/** Flags shared by the commands that talk to Ory. */
export interface RemoteOptions {
  readonly file: string;
  readonly state?: string | undefined;
  readonly target?: string | undefined;
  readonly insecureHttp?: boolean | undefined;
  readonly insecureTls?: boolean | undefined;
  readonly parallelism: number;
}

/** Everything a plan or apply works on, opened and checked. */
export interface Workspace {
  readonly paths: Paths;
  readonly spec: DesiredSpec;
  readonly target: Target;
  readonly state: StateStore;
  readonly keyStore: KeyStore;
}

/**
 * Loads and validates the spec, resolves the target, opens the state file and checks that it
 * belongs to that target. Call it while holding the state lock when the state will be written.
 */
export async function openWorkspace(opts: RemoteOptions, paths: Paths, io: Io): Promise<Workspace> {
  const spec = await loadSpec({ path: paths.specPath, displayPath: paths.specDisplay, env: io.env });
  const target = resolveTarget({
    flag: opts.target,
    env: io.env,
    fallback: spec.targetUrl === null ? null : { url: spec.targetUrl, from: "spec" },
    insecureHttp: opts.insecureHttp === true,
    insecureTls: opts.insecureTls === true,
  });
  const state = await StateStore.open(paths.statePath, paths.stateDisplay);
  checkStateTarget(state.current, target, paths.stateDisplay);
  return { paths, spec, target, state, keyStore: openKeyStore(target, io) };
}

/** The adapter, with retries reported on stderr (never bodies, headers or tokens). */
export function openKeyStore(target: Target, io: Io): KeyStore {
  // Reached only with --insecure-tls (resolveTarget refuses otherwise): say it every run.
  if (target.url.startsWith("https:") && tlsChecksOff(io.env)) {
    io.stderr.write(
      "Warning: TLS certificate checks are off (NODE_TLS_REJECT_UNAUTHORIZED=0, accepted by --insecure-tls)\n",
    );
  }
  return createKeyStore({
    target,
    ...httpTuningFrom(io.env),
    onRetry: (event) => {
      io.stderr.write(`${event.message}\n`);
    },
  });
}

/**
 * A state file records what keysync manages on one Ory. Planning it against another would read
 * every managed set as deleted outside keysync, or delete sets that belong elsewhere.
 */
export function checkStateTarget(state: State, target: Target, stateDisplay: string): void {
  if (state.target !== null && state.target !== target.url) {
    throw new StateError(
      `${stateDisplay} records the sets keysync manages on ${state.target}, but the target is ${target.url} (from ${target.from}); ` +
        `use one state file per target (--state FILE)`,
    );
  }
}

/**
 * Reads every set the plan needs, one GET per set: declared sets, managed sets, and sets with
 * an unfinished write to settle.
 */
export async function readLiveSets(
  ws: Workspace,
  parallelism: number,
  io: Io,
): Promise<Map<string, LiveSet>> {
  const ids = new Set<string>(ws.spec.sets.map((s) => s.setId));
  for (const id of ws.state.current.sets.keys()) ids.add(id);
  for (const intent of ws.state.current.pending) ids.add(intent.setId);
  const sorted = [...ids].sort();
  if (sorted.length > 0) {
    io.stderr.write(
      `Reading ${sorted.length} key ${sorted.length === 1 ? "set" : "sets"} from ${ws.target.url}...\n`,
    );
  }
  return readSets(ws.keyStore, sorted, parallelism);
}

export interface PlanOutcome {
  readonly plan: Plan;
  readonly settled: readonly Settlement[];
}

/**
 * Settles unfinished writes against the read and plans. `persist` (apply) writes the settled
 * state before planning; otherwise (plan) the settlement stays in memory and the state file is
 * not touched.
 */
export async function planWorkspace(
  ws: Workspace,
  live: ReadonlyMap<string, LiveSet>,
  persist: boolean,
): Promise<PlanOutcome> {
  const { state: settledState, settled } = settleIntents(ws.state.current, live);
  if (persist && settled.length > 0) await ws.state.update(() => settledState);
  const onDisk = ws.state.current;
  const plan = buildPlan({
    target: ws.target.url,
    desired: ws.spec,
    live,
    state: settledState,
    stateRef:
      ws.state.exists || onDisk.serial > 0
        ? { lineage: onDisk.lineage, serial: onDisk.serial }
        : { lineage: null, serial: 0 },
    keysyncVersion: KEYSYNC_VERSION,
    now: new Date(),
  });
  return { plan, settled };
}
