import { defineConfig } from "vitest/config";
import type { TestProjectInlineConfiguration } from "vitest/config";
import { whyNoGo } from "./scripts/hydra.mjs";
import { ProjectTally } from "./test/support/project-tally.js";

// CI (.ci/run) sets KEYSYNC_TEST_REPORT to a path and reads vitest's JSON report from it to print
// the "N passed, N failed" line; locally only the default reporter runs.
const report = process.env["KEYSYNC_TEST_REPORT"];

/**
 * The suites that also run against real Ory Hydra v2.3.0 (design/contract.md §11): the contract
 * suite, the adapter's integration tests, and the end-to-end stories and campaigns that need no
 * server internals. Each file starts its own Hydra (about 0.3 s) through scripts/hydra.mjs.
 */
const HYDRA_SUITES = [
  "test/contract/**/*.test.ts",
  "test/integration/ory/**/*.test.ts",
  "test/e2e/stories.test.ts",
  "test/e2e/saved-plan.test.ts",
  "test/e2e/secrets.test.ts",
  "test/e2e/byo-formats.test.ts",
  "test/e2e/hostile-metadata.test.ts",
  "test/e2e/hostile-spec-text.test.ts",
  "test/e2e/file-sources.test.ts",
  "test/e2e/weak-keys.test.ts",
  "test/e2e/symmetric-keys.test.ts",
  "test/e2e/state-paths.test.ts",
  "test/e2e/signals.test.ts",
  "test/e2e/loopback-rule.test.ts",
  "test/e2e/proxy.test.ts",
  "test/campaign/crash.test.ts",
  "test/campaign/faults.test.ts",
  "test/hydra/**/*.test.ts",
];

// Real Hydra needs Go to build. Without it the project is skipped with one line, unless the run
// requires it (.ci/run sets KEYSYNC_REQUIRE_HYDRA=1), which then fails.
const noGo = whyNoGo();
if (noGo !== null) {
  if (process.env["KEYSYNC_REQUIRE_HYDRA"] === "1") {
    throw new Error(`the real-Hydra test project is required but cannot run: ${noGo}`);
  }
  // vitest loads this file more than once per run; say it once.
  const said = "__keysyncHydraSkipSaid";
  if (!(said in globalThis)) {
    Object.defineProperty(globalThis, said, { value: true });
    console.log(`real-Hydra test project skipped: ${noGo}`);
  }
}

const embedded: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: "embedded", include: ["test/**/*.test.ts"], exclude: ["test/hydra/**"] },
};
const hydra: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: "hydra",
    include: HYDRA_SUITES,
    env: { KEYSYNC_TEST_BACKEND: "hydra" },
    // Builds Hydra once (or finds it in .cache/hydra) before any test file starts one.
    globalSetup: ["test/support/hydra-global-setup.ts"],
  },
};

export default defineConfig({
  test: {
    setupFiles: ["test/support/loopback-only.ts"],
    // Generous hang guards, not timing assertions: RSA generation and child processes are slow on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: [
      "default",
      new ProjectTally(),
      ...(report === undefined ? [] : [["json", { outputFile: report }] satisfies ["json", object]]),
    ],
    projects: noGo === null ? [embedded, hydra] : [embedded],
  },
});
