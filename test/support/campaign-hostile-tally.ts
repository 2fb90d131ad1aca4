import type { Figures } from "./campaign-run.js";
import { HeapWatch } from "./campaign-memory.js";

/** Findings kept for the failure message; the count of cases with problems is not capped. */
const MAX_FINDINGS = 20;

/**
 * The figures of a hostile-input campaign (responses or specs), counted case by case: exit codes,
 * crashes and hangs, internal errors, cases with any problem (with the first few described), and
 * the heap sampled along the way. `npm run soak` prints what `figures` returns.
 */
export class HostileTally {
  readonly heap = new HeapWatch();
  /** Descriptions of the first cases that had problems. */
  readonly findings: string[] = [];
  #cases = 0;
  #crashes = 0;
  #internal = 0;
  #withProblems = 0;
  readonly #exits = [0, 0, 0];

  /**
   * One case: its exit code (null when it threw or hung instead of exiting), the problems the
   * judge found, and how to describe the case if it goes into the findings.
   */
  record(code: number | null, problems: readonly string[], describe: () => string): void {
    this.#cases += 1;
    if (code === null) this.#crashes += 1;
    else this.#exits[code] = (this.#exits[code] ?? 0) + 1;
    if (problems.some((p) => p.startsWith("internal error"))) this.#internal += 1;
    if (problems.length > 0) {
      this.#withProblems += 1;
      if (this.findings.length < MAX_FINDINGS)
        this.findings.push(`${problems.join("; ")}\n    ${describe()}`);
    }
    if (this.#cases === 20 || this.#cases % 100 === 0) this.heap.sample();
  }

  /** The campaign's figures, after a last heap sample. */
  figures(seed: number): Figures {
    this.heap.sample();
    return {
      seed,
      cases: this.#cases,
      crashes: this.#crashes,
      internalErrors: this.#internal,
      casesWithProblems: this.#withProblems,
      exit0: this.#exits[0] ?? 0,
      exit1: this.#exits[1] ?? 0,
      exit2: this.#exits[2] ?? 0,
      maxHeapGrowthMiB: this.heap.maxGrowthMiB,
      lateHeapGrowthMiB: this.heap.lateGrowthMiB,
    };
  }
}
