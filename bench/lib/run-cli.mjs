// Runs the built CLI (dist/cli.js) as a child process, the way users run it, and measures it.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The CLI under test: this tree's build, or another one (`--cli`, e.g. a build of main to compare). */
export const CLI = process.env.KEYSYNC_BENCH_CLI ?? join(ROOT, "dist", "cli.js");
const CHILD_USAGE = join(ROOT, "bench", "lib", "child-usage.mjs");
const CHILD_REQUESTS = join(ROOT, "bench", "lib", "child-requests.mjs");

/**
 * Runs `keysync ...args`. Resolves with the exit code, captured output, wall time (spawn to exit,
 * in ms, measured here) and, with `usage: true`, the child's peak RSS in MiB and CPU time in ms
 * (user + system; the preload that reports them costs a millisecond, so start-up runs go without)
 * and, with `requests: true`, the HTTP requests the child sent ({ total, byMethod, byStatus },
 * counted by the child-requests.mjs preload: for servers that cannot count them, like real Hydra).
 * The environment is the bench's own minus anything that could change keysync's behaviour.
 */
export function runCli(args, { cwd, env = {}, usage = false, requests = false } = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith("KEYSYNC_") && !k.startsWith("ORY_") && k !== "NODE_OPTIONS",
    ),
  );
  let usageDir = null;
  const childEnv = { ...base, NO_COLOR: "1", ...env };
  const nodeArgs = [];
  if (usage) {
    usageDir = mkdtempSync(join(tmpdir(), "keysync-bench-usage-"));
    childEnv.KEYSYNC_BENCH_USAGE_FILE = join(usageDir, "usage.json");
    nodeArgs.push("--import", CHILD_USAGE);
  }
  if (requests) {
    usageDir ??= mkdtempSync(join(tmpdir(), "keysync-bench-usage-"));
    childEnv.KEYSYNC_BENCH_REQUESTS_FILE = join(usageDir, "requests.json");
    nodeArgs.push("--import", CHILD_REQUESTS);
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
      cwd: cwd ?? ROOT,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const wallMs = performance.now() - started;
      let maxRssMiB = null;
      let cpuMs = null;
      let sent = null;
      if (usageDir !== null) {
        // A child that died before its exit handler ran leaves no file: no figures.
        if (usage) {
          const used = readJson(join(usageDir, "usage.json"));
          if (used !== null) {
            maxRssMiB = used.maxRssKiB / 1024;
            cpuMs = used.userMs + used.systemMs;
          }
        }
        if (requests) sent = readJson(join(usageDir, "requests.json"));
        rmSync(usageDir, { recursive: true, force: true });
      }
      resolve({
        code: code ?? (signal === null ? 1 : 128),
        signal,
        stdout,
        stderr,
        wallMs,
        maxRssMiB,
        cpuMs,
        requests: sent,
      });
    });
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Throws with the child's output when it did not exit with one of `codes`. */
export function expectExit(result, codes, what) {
  if (codes.includes(result.code)) return result;
  const tail = (s) => s.split("\n").slice(-15).join("\n");
  throw new Error(
    `${what}: exit ${result.code} (expected ${codes.join(" or ")})\n--- stderr ---\n${tail(result.stderr)}\n--- stdout ---\n${tail(result.stdout)}`,
  );
}
