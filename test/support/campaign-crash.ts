import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Jwk } from "../../src/jwk/jwk.js";
import { isWrite, mulberry32 } from "../../src/server/index.js";
import type { LoggedRequest } from "../../src/server/index.js";
import { duplicateCreations, isCreation, liveMismatches } from "./campaign-oracles.js";
import { FAST_RETRY_ENV, runMain } from "./campaign-run.js";
import { checkState } from "./campaign-state.js";
import type { E2eWorld } from "./e2e-kit.js";
import { specYaml } from "./e2e-kit.js";

/**
 * The crash campaign's world (research/reliability.md §7, T1): one set and a 12-action plan —
 * regenerate r1 and r2 (DELETE + POST each), create n1, n2, n3, n5, n6 (POST), upload n4 (PUT),
 * replace source key s1 with new material (one PUT), delete d1, d2, d3 (DELETE): 14 writes in a
 * fixed order. The world before the plan is made once and restored before every kill.
 */
export const CRASH_SET = "crash";
export const WRITES_IN_PLAN = 14;
export const ACTIONS_IN_PLAN = 12;
/** Keys the plan creates: each must be written exactly once across a killed run and its recovery. */
export const CREATED = ["n1", "n2", "n3", "n4", "n5", "n6", "r1", "r2", "s1"];
export const DECLARED_AFTER = ["keep", ...CREATED].sort();

/** Where a kill lands. */
export type KillPoint =
  /** When the server receives the k-th write (it commits it; the client never hears back). */
  | { readonly kind: "on-arrival"; readonly write: number }
  /** Right after the server sent its answer to the k-th write. */
  | { readonly kind: "after-answer"; readonly write: number }
  /** Seeded: the k-th request of any kind, `delayMs` after it arrived, with seeded latencies. */
  | { readonly kind: "random"; readonly seed: number; readonly request: number; readonly delayMs: number };

export interface KillOutcome {
  readonly point: KillPoint;
  /** The apply really died of SIGKILL (a kill scheduled after it finished does not count). */
  readonly killed: boolean;
  readonly stateParses: boolean;
  readonly recovered: boolean;
  readonly duplicates: readonly string[];
  readonly mismatches: readonly string[];
  readonly orphans: readonly string[];
  /** Creations that were not exactly once per created key (missing or repeated). */
  readonly creationErrors: readonly string[];
  readonly crashes: readonly string[];
}

export function label(point: KillPoint): string {
  return point.kind === "random"
    ? `random seed ${point.seed} (request ${point.request} +${point.delayMs} ms)`
    : `${point.kind} of write ${point.write}`;
}

/** The deterministic kill points: every write of the plan, on arrival and after the answer. */
export function boundaryPoints(bothSides: boolean): KillPoint[] {
  const points: KillPoint[] = [];
  for (let write = 1; write <= WRITES_IN_PLAN; write++) {
    if (bothSides || write % 2 === 1) points.push({ kind: "on-arrival", write });
    if (bothSides || write % 2 === 0) points.push({ kind: "after-answer", write });
  }
  return points;
}

/** Seeded kill points inside requests: any request of the run (reads too), at a seeded moment. */
export function randomPoints(count: number, firstSeed: number): KillPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const seed = firstSeed + i;
    const random = mulberry32(seed * 7919);
    // 1 set read, 14 writes: requests 1-15, weighted to the writes.
    return {
      kind: "random",
      seed,
      request: 1 + Math.floor(random() * 15),
      delayMs: Math.floor(random() * 40),
    };
  });
}

interface Snapshot {
  readonly live: readonly Jwk[];
  readonly state: string;
}

/** Builds the world before the plan, returns the snapshot to restore, and leaves the after-spec in place. */
export async function prepareCrashWorld(world: E2eWorld): Promise<Snapshot> {
  const v1 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const v2 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const n4 = generateKeyPairSync("ed25519").privateKey;
  world.write("s1-v1.pem", v1.export({ type: "pkcs8", format: "pem" }) as string);
  world.write("s1-v2.json", JSON.stringify(v2.export({ format: "jwk" })));
  world.write("n4.pem", n4.export({ type: "pkcs8", format: "pem" }) as string);
  for (const [key, name] of [
    [v1, "s1-v1"],
    [v2, "s1-v2"],
    [n4, "n4"],
  ] as const) {
    world.canary.addJwk(key.export({ format: "jwk" }), name);
  }
  world.write(
    "keysets.yaml",
    specYaml({
      [CRASH_SET]: [
        "r1:ES256",
        "r2:EdDSA",
        "keep:ES256",
        { kid: "s1", source: "file:s1-v1.pem", alg: "ES256" },
        "d1:ES256",
        "d2:EdDSA",
        "d3:ES256",
      ],
    }),
  );
  const setup = await inProcess(world, ["apply", "--auto-approve"]);
  if (setup.code !== 0) throw new Error(`the crash world's setup apply failed:\n${setup.stderr}`);
  await world.learnKeys(CRASH_SET);
  world.write(
    "keysets.yaml",
    specYaml({
      [CRASH_SET]: [
        "r1:EdDSA",
        "r2:ES256",
        "keep:ES256",
        { kid: "s1", source: "file:s1-v2.json", alg: "ES256" },
        "n1:ES256",
        "n2:EdDSA",
        "n3:ES384",
        { kid: "n4", source: "file:n4.pem", alg: "EdDSA" },
        "n5:ES256",
        "n6:EdDSA",
      ],
    }),
  );
  return {
    live: await world.server.keys(CRASH_SET),
    state: readFileSync(world.path("keysync.state.json"), "utf8"),
  };
}

/** Puts Ory and the state file back to the snapshot, in Ory's order. */
export async function restore(world: E2eWorld, snapshot: Snapshot): Promise<void> {
  await world.server.deleteRaw(CRASH_SET);
  for (const jwk of [...snapshot.live].reverse()) await world.server.putRaw(CRASH_SET, jwk);
  writeFileSync(world.path("keysync.state.json"), snapshot.state);
}

/**
 * One kill: restore, run the built CLI's apply and SIGKILL it at `point`, then check the state
 * file, recover with the next apply (the built CLI when `recoverWithCli`, else in-process through
 * `main()`, the same code without the start-up cost) and check convergence, duplicates, orphans
 * and exactly-once creation against the server's log.
 */
export async function killAndRecover(
  world: E2eWorld,
  snapshot: Snapshot,
  point: KillPoint,
  recoverWithCli: boolean,
): Promise<KillOutcome> {
  await restore(world, snapshot);
  const mark = world.mark();
  let child: ChildProcess | undefined;
  const kill = (): void => {
    child?.kill("SIGKILL");
  };
  armKill(world, point, kill);
  const run = await world.keysync(["apply", "--auto-approve"], { onSpawn: (c) => (child = c) });
  world.server.setFaults(null);
  world.server.setLatency(null);
  // Every write that reached the server runs to the end there, as on a real Ory: wait for it.
  while (world.server.inFlight > 0) await sleep(5);
  await world.learnKeys(CRASH_SET);
  const crashes: string[] = [];
  const killed = run.signal === "SIGKILL";
  if (!killed && run.code !== 0) crashes.push(`the apply exited ${String(run.code)} without being killed`);

  const afterKill = await checkState(world.path("keysync.state.json"), world.server, [CRASH_SET]);
  const recovery = recoverWithCli
    ? await world.keysync(["apply", "--auto-approve"])
    : await inProcess(world, ["apply", "--auto-approve"]);
  await world.learnKeys(CRASH_SET);
  const verify = await inProcess(world, ["plan", "--detailed-exitcode"]);
  for (const r of [recovery, verify]) if (/internal error/i.test(r.stderr)) crashes.push(r.stderr.trim());
  if (recovery.code !== 0)
    crashes.push(`the recovery apply exited ${String(recovery.code)}: ${recovery.stderr.trim()}`);
  if (existsSync(world.path("keysync.state.json.lock")))
    crashes.push("the recovery left the state lock behind");

  const log = world.server.requests.slice(mark);
  const after = await checkState(world.path("keysync.state.json"), world.server, [CRASH_SET]);
  return {
    point,
    killed,
    stateParses: afterKill.parses && after.parses,
    recovered: recovery.code === 0 && verify.code === 0 && after.pending === 0,
    duplicates: duplicateCreations(log),
    mismatches: await liveMismatches(
      (id) => world.liveKids(id),
      new Map([[CRASH_SET, new Set(DECLARED_AFTER)]]),
      [],
    ),
    orphans: after.orphans,
    creationErrors: creationErrors(log),
    crashes,
  };
}

/** Creations in the log versus `CREATED`: each created key exactly once, nothing else. */
function creationErrors(log: readonly LoggedRequest[]): string[] {
  const kids = log
    .filter(isCreation)
    .map((r) => r.kid ?? (r.body as { kid?: string } | undefined)?.kid ?? "?");
  const errors: string[] = [];
  for (const kid of new Set([...CREATED, ...kids])) {
    const count = kids.filter((k) => k === kid).length;
    if (count !== (CREATED.includes(kid) ? 1 : 0)) errors.push(`${kid} written ${count} times`);
  }
  return errors;
}

/** Sets up the server so that `kill` runs at `point`. */
function armKill(world: E2eWorld, point: KillPoint, kill: () => void): void {
  const { server } = world;
  if (point.kind === "random") {
    const random = mulberry32(point.seed);
    server.setLatency(() => 5 + Math.floor(random() * 25));
    let requests = 0;
    server.setFaults(() => {
      if (++requests === point.request) setTimeout(kill, point.delayMs);
      return null;
    });
    return;
  }
  // Latency keeps the request open long enough for an on-arrival kill to land before the answer.
  server.setLatency(20);
  let writes = 0;
  server.setFaults((req) => {
    if (!isWrite(req) || ++writes !== point.write) return null;
    if (point.kind === "on-arrival") kill();
    else void killWhenAnswered(world, req.seq, kill);
    return null;
  });
}

/** Polls the request log until request `seq` has been answered (or dropped), then kills. */
async function killWhenAnswered(world: E2eWorld, seq: number, kill: () => void): Promise<void> {
  for (;;) {
    const entry = world.server.requests.find((r) => r.seq === seq);
    if (entry?.status !== null && entry?.status !== undefined) break;
    await sleep(1);
  }
  kill();
}

async function inProcess(
  world: E2eWorld,
  argv: readonly string[],
): Promise<{ code: number; stderr: string }> {
  const env = { ORY_SDK_URL: world.server.url, ORY_PROJECT_API_KEY: world.token, ...FAST_RETRY_ENV };
  const result = await runMain(argv, { cwd: world.dir, env });
  world.outputs.push({ label: `in-process ${argv.join(" ")}`, text: result.stdout + result.stderr });
  return result;
}
