import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import { SecretCanary } from "../support/canary.js";
import { judgeRun } from "../support/campaign-hostile-check.js";
import { startHostileServer } from "../support/campaign-hostile-server.js";
import type { HostileServer, ReplySpec } from "../support/campaign-hostile-server.js";
import { hostileCaseArb, makeSecretPool } from "../support/campaign-hostile.js";
import type { HostileCase, SecretPool } from "../support/campaign-hostile.js";
import { HostileTally } from "../support/campaign-hostile-tally.js";
import { envCount, fuzzSeed, reportFigures, runMain } from "../support/campaign-run.js";
import type { MainResult } from "../support/campaign-run.js";
import { specYaml } from "../support/e2e-kit.js";

/**
 * Hostile server responses (research/reliability.md §7, T11/T12): fast-check scripts a loopback
 * server to answer keysync's reads and writes with garbage — truncated JSON, `keys` of the wrong
 * type or missing, keys that are not objects, numeric or path-like or 10 kB kids, valid-looking
 * JWKs with bad members, HTML, empty, huge (over the 8 MiB cap) and 100 000-deep bodies, odd
 * statuses, lying Content-Length, dropped and stalled connections, and nonsense rate-limit
 * headers — while `plan`, `apply` or `import` runs in-process through `main()`.
 *
 * What it proves for every case: `main` returns (never throws, never hangs), exit 0, 1 or 2,
 * never an internal error or stack trace, exit 1 always with a one-line reason, no terminal
 * control characters from the server echoed, no private member of any key in the answers and no
 * token on stdout, stderr or the state file, `plan` never touches the state, no lock file is left
 * behind, and the heap stays bounded across cases (measured after GC, reported).
 *
 * `KEYSYNC_FUZZ_RUNS` sets the number of cases (1,000 here, 10,000 in `npm run soak`).
 */
const RUNS = envCount("KEYSYNC_FUZZ_RUNS", 1000);
/** A hang guard per case, far above anything the fast retry settings below allow. */
const HANG_MS = 30_000;
/** Heap growth tolerated across all cases: generous, a leak of kept answers would blow it. */
const MAX_HEAP_GROWTH_MIB = 96;

const TOKEN = "ory_pat_hostile-campaign-canary-token-0123456789";
/** Fast retries, and a short timeout so stalled answers end quickly. */
const ENV = {
  ORY_PROJECT_API_KEY: TOKEN,
  KEYSYNC_HTTP_TIMEOUT: "200ms",
  KEYSYNC_RETRY_MAX_ATTEMPTS: "3",
  KEYSYNC_RETRY_BASE_DELAY: "1ms",
  KEYSYNC_RETRY_MAX_DELAY: "20ms",
};

let pool: SecretPool;
let hostile: HostileServer;
let dir: string;
let managedState: string;
const canary = new SecretCanary();

beforeAll(async () => {
  pool = makeSecretPool();
  hostile = await startHostileServer();
  dir = mkdtempSync(join(tmpdir(), "keysync-hostile-"));
  const source = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  writeFileSync(join(dir, "ks.pem"), source.export({ type: "pkcs8", format: "pem" }));
  canary.addJwk(source.export({ format: "jwk" }), "ks.pem");
  pool.jwks.forEach((jwk, i) => canary.addJwk(jwk, `answer key ${i}`));
  pool.strings.forEach((s, i) => canary.addJwk({ d: s }, `echoed secret ${i}`));
  canary.addToken(TOKEN, "ORY_PROJECT_API_KEY");
  writeFileSync(
    join(dir, "keysets.yaml"),
    specYaml({
      "hostile-a": ["ka:ES256", "kb:EdDSA", { kid: "ks", source: "file:ks.pem", alg: "ES256" }],
      "hostile-b": ["kc:ES384"],
    }),
  );
  managedState = await stateManagingBothSets(hostile.url);
});

afterAll(async () => {
  await hostile.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A state that manages both sets (with an extra key `old`), made by a clean apply on the embedded
 * server and re-targeted at the hostile one.
 */
async function stateManagingBothSets(targetUrl: string): Promise<string> {
  const server = await startServer({ rsaBits: 2048 });
  try {
    await server.putRaw("hostile-a", { ...(pool.jwks[3] as { kty: string }) });
    const env = { ORY_SDK_URL: server.url };
    const imported = await runMain(["import", "hostile-a"], { cwd: dir, env });
    const applied = await runMain(["apply", "--auto-approve"], { cwd: dir, env });
    if (imported.code !== 0 || applied.code !== 0)
      throw new Error(`setup failed:\n${imported.stderr}${applied.stderr}`);
    const doc = JSON.parse(readFileSync(join(dir, "keysync.state.json"), "utf8")) as Record<string, unknown>;
    return `${JSON.stringify({ ...doc, target: targetUrl }, null, 2)}\n`;
  } finally {
    await server.close();
    for (const name of ["keysync.state.json", "keysync.state.json.backup"])
      rmSync(join(dir, name), { force: true });
  }
}

const STATE = (): string => join(dir, "keysync.state.json");

/** Runs one case; returns its exit code (null when it threw or hung) and its problems. */
async function runCase(c: HostileCase): Promise<{ code: number | null; problems: string[] }> {
  for (const name of ["keysync.state.json", "keysync.state.json.backup"])
    rmSync(join(dir, name), { force: true });
  if (c.managed) writeFileSync(STATE(), managedState);
  hostile.script(c.replies);
  const running = runMain([...c.command], { cwd: dir, env: { ...ENV, ORY_SDK_URL: hostile.url } }).then(
    (r): MainResult | string => r,
    (error: unknown) => `main threw ${error instanceof Error ? error.name : typeof error}`,
  );
  const result = await Promise.race([running, sleep(HANG_MS).then(() => `no result within ${HANG_MS} ms`)]);
  hostile.dropStalled();
  if (typeof result === "string") return { code: null, problems: [result] };
  const state = existsSync(STATE()) ? readFileSync(STATE(), "utf8") : "";
  const problems = judgeRun(result, canary, [state]);
  if (c.command[0] === "plan" && state !== (c.managed ? managedState : ""))
    problems.push("plan changed the state file");
  if (existsSync(`${STATE()}.lock`)) {
    problems.push("a lock file was left behind");
    rmSync(`${STATE()}.lock`, { force: true });
  }
  return { code: result.code, problems };
}

function describeCase(c: HostileCase): string {
  const reply = (r: ReplySpec): string =>
    `${r.status} ${r.delivery} ${JSON.stringify(r.headers)} ${r.body.kind === "text" ? JSON.stringify(r.body.text.slice(0, 160)) : JSON.stringify(r.body)}`;
  return `${c.command.join(" ")}${c.managed ? " (managed)" : ""}: ${c.replies.map(reply).join(" | ")}`;
}

describe("hostile server responses", () => {
  it(
    `${RUNS} generated cases: exit 0/1/2 with a clear reason, no crash, leak or unbounded growth`,
    async () => {
      const seed = fuzzSeed();
      const tally = new HostileTally();
      await fc.assert(
        fc.asyncProperty(hostileCaseArb(pool), async (c) => {
          const { code, problems } = await runCase(c);
          tally.record(code, problems, () => `case: ${describeCase(c)}`);
          return true;
        }),
        { numRuns: RUNS, seed },
      );
      reportFigures("hostile-responses", tally.figures(seed));
      console.log(`heap trail (MiB): ${tally.heap.trailMiB.join(" ")}`);
      expect(tally.findings).toEqual([]);
      expect(tally.heap.maxGrowthMiB).toBeLessThan(MAX_HEAP_GROWTH_MIB);
    },
    120_000 + RUNS * 500,
  );
});
