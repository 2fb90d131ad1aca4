import { defineConfig } from "vitest/config";

// CI (.ci/run) sets KEYSYNC_TEST_REPORT to a path and reads vitest's JSON report from it to print
// the "N passed, N failed" line; locally only the default reporter runs.
const report = process.env["KEYSYNC_TEST_REPORT"];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/loopback-only.ts"],
    // Generous hang guards, not timing assertions: RSA generation and child processes are slow on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: report === undefined ? ["default"] : ["default", ["json", { outputFile: report }]],
  },
});
