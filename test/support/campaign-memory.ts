import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Heap measurement for the hostile-input campaigns: `heapUsed` after a full garbage collection,
 * sampled between cases. Growth that keeps climbing across thousands of cases is a leak (kept
 * answers, listeners, timers); a flat line with noise is not. Reported, and bounded generously.
 */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

export class HeapWatch {
  readonly #gc = exposeGc();
  #baseline: number | null = null;
  #max = 0;
  readonly #trail: number[] = [];

  /** Collects garbage and records `heapUsed`; the first sample is the baseline. */
  sample(): number {
    this.#gc();
    const used = process.memoryUsage().heapUsed;
    this.#baseline ??= used;
    this.#max = Math.max(this.#max, used);
    this.#trail.push(used);
    return used;
  }

  /** The largest heap seen above the baseline, in MiB (one decimal). */
  get maxGrowthMiB(): number {
    if (this.#baseline === null) return 0;
    return Math.round(((this.#max - this.#baseline) / (1024 * 1024)) * 10) / 10;
  }

  /**
   * Growth over the second half of the samples, in MiB: a leak keeps climbing there, while a
   * warm-up (caches, JIT) levels off early.
   */
  get lateGrowthMiB(): number {
    const mid = this.#trail[Math.floor(this.#trail.length / 2)];
    const last = this.#trail.at(-1);
    if (mid === undefined || last === undefined) return 0;
    return Math.round(((last - mid) / (1024 * 1024)) * 10) / 10;
  }

  /** Every sample, in MiB, for a report. */
  get trailMiB(): number[] {
    return this.#trail.map((b) => Math.round((b / (1024 * 1024)) * 10) / 10);
  }
}
