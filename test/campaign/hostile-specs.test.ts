import { generateKeyPairSync, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import type { RunningServer } from "../../src/server/index.js";
import { SecretCanary } from "../support/canary.js";
import { judgeRun } from "../support/campaign-hostile-check.js";
import { hostileSpecArb } from "../support/campaign-hostile-specs.js";
import { HostileTally } from "../support/campaign-hostile-tally.js";
import { FAST_RETRY_ENV, envCount, fuzzSeed, reportFigures, runMain } from "../support/campaign-run.js";
import type { MainResult } from "../support/campaign-run.js";
import { specYaml } from "../support/e2e-kit.js";

/**
 * Hostile spec files through the whole CLI (research/reliability.md §7, T11/T12). The spec
 * checker's own fuzzing (test/unit/spec/check-spec-fuzz.test.ts) proves `checkSpec` never throws;
 * this campaign mutates real specs — the README example and one with private `file:` and `env:`
 * sources — with snippets aimed at everything around it (key sources that are `/dev/zero`,
 * directories, `/proc` files or unset variables, 100 kB scalars, deep nesting, alias bombs,
 * prototype keys, control characters) and runs `validate`, `plan` or `plan --json` in-process
 * against the embedded server.
 *
 * What it proves for every case: exit 0, 1 or 2, never an internal error or stack trace, exit 1
 * with a `FILE:LINE:COL:` or `Error:` reason, no control character echoed, no private key
 * material or env secret on any output, no hang, and a bounded heap.
 *
 * Runs `KEYSYNC_FUZZ_RUNS / 4` cases (250 here, 2,500 in `npm run soak`).
 */
const RUNS = Math.max(1, Math.floor(envCount("KEYSYNC_FUZZ_RUNS", 1000) / 4));
const HANG_MS = 30_000;
const MAX_HEAP_GROWTH_MIB = 96;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let server: RunningServer;
let dir: string;
let bases: string[];
let env: Record<string, string>;
const canary = new SecretCanary();

beforeAll(async () => {
  server = await startServer({ rsaBits: 2048 });
  dir = mkdtempSync(join(tmpdir(), "keysync-hostile-specs-"));
  mkdirSync(join(dir, "keys"));
  for (const name of ["partner-verify.pub.pem", "partner-enc.pub.pem"]) {
    copyFileSync(join(ROOT, "fixtures/keys", name), join(dir, "keys", name));
  }
  const fileKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  writeFileSync(join(dir, "keys", "private.pem"), fileKey.export({ type: "pkcs8", format: "pem" }));
  canary.addJwk(fileKey.export({ format: "jwk" }), "keys/private.pem");
  const envKey = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  const hmac = { kty: "oct", k: randomBytes(32).toString("base64url") };
  canary.addJwk(envKey, "KEYSYNC_SECRET_JWK").addJwk(hmac, "KEYSYNC_HMAC_JWK");
  canary.addToken("pa55w0rd-canary", "URL password");
  env = {
    ...FAST_RETRY_ENV,
    ORY_SDK_URL: server.url,
    KEYSYNC_SECRET_JWK: JSON.stringify(envKey),
    KEYSYNC_HMAC_JWK: JSON.stringify(hmac),
  };
  const example = readFileSync(join(ROOT, "keysets.example.yaml"), "utf8").replaceAll(
    "file:fixtures/keys/",
    "file:keys/",
  );
  const own = specYaml({
    signing: ["a:ES256", { kid: "p", source: "file:keys/private.pem", alg: "ES256" }],
    partner: [
      { kid: "e", source: "env:KEYSYNC_SECRET_JWK", alg: "EdDSA" },
      { kid: "h", source: "env:KEYSYNC_HMAC_JWK", alg: "HS256" },
    ],
  });
  bases = [example, own];
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const COMMANDS = [["validate"], ["plan"], ["plan", "--json"], ["plan", "--detailed-exitcode"]] as const;

describe("hostile spec files through the CLI", () => {
  it(
    `${RUNS} mutated specs: exit 0/1/2 with a located reason, no crash, leak or hang`,
    async () => {
      const seed = fuzzSeed();
      const tally = new HostileTally();
      await fc.assert(
        fc.asyncProperty(hostileSpecArb(bases), fc.constantFrom(...COMMANDS), async (text, command) => {
          writeFileSync(join(dir, "keysets.yaml"), text);
          const running = runMain(command, { cwd: dir, env }).then(
            (r): MainResult | string => r,
            (error: unknown) => `main threw ${error instanceof Error ? error.name : typeof error}`,
          );
          const result = await Promise.race([
            running,
            sleep(HANG_MS).then(() => `no result within ${HANG_MS} ms`),
          ]);
          tally.record(
            typeof result === "string" ? null : result.code,
            typeof result === "string" ? [result] : judgeRun(result, canary),
            () => `${command.join(" ")} on: ${JSON.stringify(text.slice(0, 400))}`,
          );
          return true;
        }),
        { numRuns: RUNS, seed },
      );
      reportFigures("hostile-specs", tally.figures(seed));
      expect(tally.findings).toEqual([]);
      expect(tally.heap.maxGrowthMiB).toBeLessThan(MAX_HEAP_GROWTH_MIB);
    },
    120_000 + RUNS * 500,
  );
});
