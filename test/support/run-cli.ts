import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = `${ROOT}dist/cli.js`;
const GUARD = `${ROOT}test/support/loopback-guard.mjs`;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Added to a minimal environment (PATH, HOME, NO_COLOR=1); the test's own env is not inherited. */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  /** Called with the child as soon as it starts (e.g. to kill it at a chosen moment). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

/**
 * Runs the built CLI (`dist/cli.js`) as a real child process, the way users and CI run it. The
 * child refuses non-loopback connections (loopback-guard.mjs) and inherits no ORY_* or KEYSYNC_*
 * variables from the test runner.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: process.env["HOME"] ?? "/tmp",
    NO_COLOR: "1",
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", GUARD, CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    options.onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}
