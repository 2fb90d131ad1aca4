#!/usr/bin/env node
// `npm run bench`: keysync's performance figures, each beside its target, against the embedded
// Ory-compatible server on loopback with injected latency. Runs the built CLI (dist/cli.js) as
// child processes, prints a table and writes bench/results.json. Not part of `npm test`.
//
//   npm run bench                          # every scenario (a few minutes)
//   npm run bench -- --only plan,startup   # some: plan, apply, ratelimit, startup, memory, hydra
//   npm run bench -- --only hydra          # only the embedded-vs-real-Hydra rows (apply, then plan)
//   npm run bench -- --runs 1              # fewer repetitions of plan/apply (start-up keeps 10)
//   npm run bench -- --out /tmp/r.json     # write the results elsewhere
//   npm run bench -- --cli /tmp/old/dist/cli.js   # measure another build (same server and fixtures)
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

const SCENARIOS = ["plan", "apply", "ratelimit", "startup", "memory", "hydra"];

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    runs: { type: "string" },
    out: { type: "string" },
    cli: { type: "string" },
  },
});
// Read by bench/lib/run-cli.mjs when it loads, so it is imported only now.
if (values.cli !== undefined) process.env.KEYSYNC_BENCH_CLI = resolve(values.cli);
const { CLI, ROOT } = await import("../bench/lib/run-cli.mjs");
const out = values.out ?? join(ROOT, "bench", "results.json");
const only = values.only === undefined ? SCENARIOS : values.only.split(",").map((s) => s.trim());
for (const name of only) {
  if (!SCENARIOS.includes(name)) {
    process.stderr.write(`unknown scenario "${name}"; choose from ${SCENARIOS.join(", ")}\n`);
    process.exit(1);
  }
}
const runs = values.runs === undefined ? 3 : Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a whole number >= 1\n`);
  process.exit(1);
}
if (!existsSync(CLI)) {
  process.stderr.write(`${CLI} is missing: run npm run build (npm ci does) first\n`);
  process.exit(1);
}

const s = await import("../bench/scenarios.mjs");
const table = {
  plan: () => s.planNoChanges({ runs }),
  apply: () => s.applyCreate({ runs }),
  ratelimit: () => s.applyRateLimited(),
  startup: () => s.startUp(),
  memory: () => s.planMemory(),
  // The same apply and plan against the embedded server and real Ory Hydra (scripts/hydra.mjs).
  hydra: () => s.embeddedVsHydra({ runs }),
};

const startedAt = new Date();
const loadBefore = loadavg();
const results = [];
for (const name of SCENARIOS.filter((n) => only.includes(n))) {
  process.stderr.write(`bench: ${name}...\n`);
  const started = Date.now();
  const result = await table[name]();
  process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  results.push(result);
  printScenario(result);
}
const loadAfter = loadavg();

const doc = {
  generated_at: startedAt.toISOString(),
  commit: gitCommit(),
  cli: relative(ROOT, CLI),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model ?? null,
  load_average_before: loadBefore.map(round2),
  load_average_after: loadAfter.map(round2),
  latency_ms: s.LATENCY_MS,
  // Written by the build (scripts/build-validator.mjs); without it keysync compiles the schema at run time.
  precompiled_schema_validator: existsSync(join(dirname(CLI), "spec", "schema", "keysets-validator.js")),
  note: "Wall-clock figures depend on the machine and on what else runs on it; compare runs on a quiet machine.",
  all_targets_met: results.every((r) => r.figures.every((f) => f.ok !== false)),
  scenarios: results,
};
await writeFile(out, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(
  `\n${doc.all_targets_met ? "All targets met." : "Some targets missed (marked MISS)."} ` +
    `Load average before/after: ${doc.load_average_before[0]} / ${doc.load_average_after[0]} on ${doc.cpus} CPUs.\n` +
    `Results: ${out}\n`,
);

function printScenario(result) {
  if (result.skipped !== undefined) {
    process.stdout.write(
      `\nreal-Hydra rows (embedded vs Ory Hydra ${result.hydra_version}) skipped: ${result.skipped}\n`,
    );
    return;
  }
  if (result.comparison !== undefined) {
    printComparison(result);
    return;
  }
  const rows = result.figures.map((f) => [
    f.name,
    show(f.value),
    f.target ?? "",
    f.ok === null ? "" : f.ok ? "ok" : "MISS",
    f.note ?? "",
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(`\n${result.title}${result.runs > 1 ? `, median of ${result.runs}` : ""}\n`);
  for (const r of rows) {
    const cells = [
      r[0].padEnd(widths[0]),
      r[1].padStart(widths[1]),
      r[2].padEnd(widths[2]),
      r[3].padEnd(widths[3]),
      r[4],
    ];
    process.stdout.write(`  ${cells.join("  ").trimEnd()}\n`);
  }
}

/** Side by side: per scenario embedded ms, Hydra ms, Hydra/embedded, requests sent; then the checks. */
function printComparison(result) {
  const requests = (sent) => {
    if (sent === null) return "n/a";
    const methods = Object.entries(sent.byMethod).map(([m, n]) => `${n} ${m}`);
    const dropped = sent.byStatus.none ?? 0;
    return `${sent.total} (${methods.join(", ")}${dropped > 0 ? `; ${dropped} answer${dropped > 1 ? "s" : ""} dropped` : ""})`;
  };
  const rows = [
    ["scenario", "embedded", "Hydra", "Hydra/embedded", "requests sent (embedded | Hydra)"],
    ...result.comparison.map((c) => [
      c.what,
      `${c.embedded.wallMs} ms`,
      `${c.hydra.wallMs} ms`,
      c.ratio.toFixed(2),
      `${requests(c.embedded.requests)} | ${requests(c.hydra.requests)}`,
    ]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(`\n${result.title}${result.runs > 1 ? `, median of ${result.runs}` : ""}\n`);
  for (const r of rows) {
    const cells = [
      r[0].padEnd(widths[0]),
      r[1].padStart(widths[1]),
      r[2].padStart(widths[2]),
      r[3].padStart(widths[3]),
      r[4],
    ];
    process.stdout.write(`  ${cells.join("  ").trimEnd()}\n`);
  }
  process.stdout.write("  (wall times are reported, no target)\n");
  printScenario({
    ...result,
    comparison: undefined,
    title: "  details and checks",
    runs: 1,
    // The wall times and ratios are in the table above.
    figures: result.figures.filter((f) => !/wall time|ratio Hydra/.test(f.name)),
  });
}

function show(value) {
  if (typeof value === "number") return String(value);
  if (value === null || value === undefined) return "n/a";
  if ("ms" in value) return `${value.ms} ms`;
  if ("ratio" in value) return value.ratio.toFixed(2);
  if ("MiB" in value) return `${value.MiB} MiB`;
  return JSON.stringify(value);
}

function round2(n) {
  return Math.round(n * 100) / 100;
}

function gitCommit() {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    // GIT_OPTIONAL_LOCKS=0: `git status` must not refresh (write) the index of a shared tree.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: ROOT,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return dirty === "" ? head : `${head}+dirty`;
  } catch {
    return null;
  }
}
