#!/usr/bin/env node
// `npm run soak`: the full reliability campaigns (test/campaign/), far larger than the fast
// versions `npm test` runs, then a table of their figures.
//   fault campaign        200 seeds, 25 % faults, up to 3 applies each
//   crash campaign        kill -9 on both sides of all 14 writes of a 12-action plan + 30 random kills
//   hostile responses     10,000 generated Ory answers
//   hostile specs         2,500 mutated spec files through the CLI
//   spec fuzzing          10,000 generated documents (test/unit/spec/check-spec-fuzz.test.ts)
// Any variable below can be overridden from the environment (e.g. KEYSYNC_CAMPAIGN_SEEDS=50).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const results = mkdtempSync(join(tmpdir(), "keysync-soak-"));
const report = join(results, "vitest.json");
const env = {
  KEYSYNC_CAMPAIGN_SEEDS: "200",
  KEYSYNC_CRASH_BOTH_SIDES: "1",
  KEYSYNC_CRASH_RANDOM_KILLS: "30",
  KEYSYNC_FUZZ_RUNS: "10000",
  KEYSYNC_FUZZ_SEED: "random",
  ...process.env,
  KEYSYNC_CAMPAIGN_RESULTS: results,
};
const files = ["test/campaign/", "test/unit/spec/check-spec-fuzz.test.ts"];
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const args = [
  vitest,
  "run",
  ...files,
  "--testTimeout=3600000",
  "--reporter=default",
  "--reporter=json",
  `--outputFile=${report}`,
];

const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: "inherit" });
  child.on("close", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
});

const read = (name) => {
  const path = join(results, `${name}.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
};
/** Pass/fail per test file from vitest's JSON report. */
const outcome = (suffix) => {
  if (!existsSync(report)) return "not run";
  const doc = JSON.parse(readFileSync(report, "utf8"));
  const file = doc.testResults?.find((r) => r.name.endsWith(suffix));
  return file === undefined ? "not run" : file.status;
};

const rows = [];
/** A titled block of rows; each field is [label, key] or [label, (figures) => value]. */
const section = (title, status, figures, fields) => {
  rows.push([`${title} (${status})`, ""]);
  for (const [label, pick] of fields) {
    const value = figures === null ? "-" : typeof pick === "function" ? pick(figures) : figures[pick];
    rows.push([`  ${label}`, String(value ?? "-")]);
  }
};
section("Fault campaign", outcome("campaign/faults.test.ts"), read("faults"), [
  ["fault rate / attempts per request", (f) => `${f.faultRatePercent} % / ${f.attempts}`],
  ["seeds", "seeds"],
  ["converged in 1 run", "convergedIn1"],
  ["converged within 3 runs", "convergedWithin3"],
  ["duplicate keys", "duplicateKeys"],
  ["keys under undeclared kids", "undeclaredKidKeys"],
  [
    "POSTs re-sent without reading the kid",
    (f) => `${f.unguardedPostResends} (of ${f.postResends} re-sends)`,
  ],
  ["orphans / unparseable states / crashes", (f) => `${f.orphans} / ${f.unparseableStates} / ${f.crashes}`],
  ["faults injected / requests", (f) => `${f.faultsInjected} / ${f.requests}`],
]);
section("Crash campaign", outcome("campaign/crash.test.ts"), read("crash"), [
  ["kills", "killed"],
  ["converged after the kill", "converged"],
  ["duplicate keys", "duplicates"],
  ["orphans", "orphans"],
  ["keys not created exactly once", "notExactlyOnce"],
  ["unparseable state files", "unparseableStates"],
]);
const hostileFields = [
  ["cases (fast-check seed)", (f) => `${f.cases} (seed ${f.seed})`],
  ["crashes or hangs", "crashes"],
  ["internal errors", "internalErrors"],
  ["cases with any problem", "casesWithProblems"],
  ["exit 0 / 1 / 2", (f) => `${f.exit0} / ${f.exit1} / ${f.exit2}`],
  ["heap growth after GC, max / second half (MiB)", (f) => `${f.maxHeapGrowthMiB} / ${f.lateHeapGrowthMiB}`],
];
section(
  "Hostile responses",
  outcome("campaign/hostile-responses.test.ts"),
  read("hostile-responses"),
  hostileFields,
);
section("Hostile specs", outcome("campaign/hostile-specs.test.ts"), read("hostile-specs"), hostileFields);
rows.push([
  `Spec fuzzing, ${env.KEYSYNC_FUZZ_RUNS} documents (${outcome("spec/check-spec-fuzz.test.ts")})`,
  "",
]);

const width = Math.max(...rows.map(([label]) => label.length)) + 2;
console.log("\nkeysync soak figures");
console.log("=".repeat(width + 12));
for (const [label, value] of rows) console.log(value === "" ? label : `${label.padEnd(width)}${value}`);
console.log("=".repeat(width + 12));
console.log(code === 0 ? "soak passed" : "soak FAILED (see the vitest output above)");
rmSync(results, { recursive: true, force: true });
process.exitCode = code;
