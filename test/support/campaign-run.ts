import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { captureIo } from "./capture-io.js";

/**
 * Shared plumbing of the reliability campaigns (test/campaign/): retry settings that make a
 * faulty run quick, an in-process CLI runner, and the figures file `npm run soak` prints.
 */

/**
 * Retry knobs for campaign runs (docs/ory-adapter.md "Tuning from the environment"): the same
 * rules as in production, with millisecond backoff. The longest wait stays above the embedded
 * server's 1 s `x-ratelimit-reset`, so a 429 is waited out rather than ending the retries.
 */
export const FAST_RETRY_ENV: Readonly<Record<string, string>> = {
  KEYSYNC_RETRY_BASE_DELAY: "5ms",
  KEYSYNC_RETRY_MAX_DELAY: "2s",
  KEYSYNC_RETRY_MAX_ATTEMPTS: "5",
  KEYSYNC_HTTP_TIMEOUT: "10s",
};

export interface MainResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `keysync ARGV` in this process through `main()` (same code as the built CLI, no process
 * start-up cost). Rejects only when `main` itself throws, which is a bug the caller reports.
 */
export async function runMain(
  argv: readonly string[],
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> },
): Promise<MainResult> {
  const io = captureIo({ cwd: options.cwd, env: { NO_COLOR: "1", ...options.env } });
  const code = await main(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** A whole number from the environment, or `fallback` when unset. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number, got ${raw ?? ""}`);
  return value;
}

/** The default fast-check seed of the hostile-input campaigns: `npm test` is reproducible. */
export const DEFAULT_FUZZ_SEED = 20_260_517;

/**
 * The fast-check seed: `KEYSYNC_FUZZ_SEED` (a number, or `random` for a fresh one, as
 * `npm run soak` does), else `DEFAULT_FUZZ_SEED`. Campaigns report it, so any run can be replayed.
 */
export function fuzzSeed(): number {
  const raw = process.env["KEYSYNC_FUZZ_SEED"];
  if (raw === undefined || raw === "") return DEFAULT_FUZZ_SEED;
  if (raw === "random") return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isInteger(seed))
    throw new Error(`KEYSYNC_FUZZ_SEED must be an integer or "random", got ${raw}`);
  return seed;
}

export type Figures = Readonly<Record<string, number | string>>;

/**
 * Prints a campaign's figures and, when `KEYSYNC_CAMPAIGN_RESULTS` names a directory (set by
 * `npm run soak`), writes them to `<dir>/<campaign>.json` for the summary table.
 */
export function reportFigures(campaign: string, figures: Figures): void {
  console.log(`[campaign ${campaign}] ${JSON.stringify(figures)}`);
  const dir = process.env["KEYSYNC_CAMPAIGN_RESULTS"];
  if (dir === undefined || dir === "") return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${campaign}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}
