import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one line per test project at the end of a run ("project hydra (real Ory Hydra v2.3.0):
 * 160 passed, 0 failed, 12 skipped"), so a run shows that both servers were exercised and how
 * much of each; the overall count stays vitest's own.
 */
export class ProjectTally implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const tally = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const module of modules) {
      const name = module.project.name || "default";
      const counts = tally.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      tally.set(name, counts);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
      // A file that failed to load has no tests to count; it is a failure all the same.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) counts.failed++;
    }
    for (const [name, c] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
      const label = name === "hydra" ? "project hydra (real Ory Hydra v2.3.0)" : `project ${name}`;
      console.log(`${label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    }
  }
}
