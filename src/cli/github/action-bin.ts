#!/usr/bin/env node
// The composite action's steps (action.yml): `node dist/cli/github/action-bin.js run|comment|finish`.
// Errors are reported like keysync's own (reportError), through the same command neutralizer.
import type { Io } from "../io.js";
import { reportError } from "../report-error.js";
import type { ActionStep } from "./action-steps.js";
import { runActionStep } from "./action-steps.js";
import { ciSurfaceFor } from "./ci-surface.js";

const STEPS: readonly ActionStep[] = ["run", "comment", "finish"];

const io: Io = {
  stdout: { write: (s) => process.stdout.write(s), isTTY: process.stdout.isTTY },
  stderr: { write: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY },
  stdin: { isTTY: false, readLine: () => Promise.resolve(null) },
  env: process.env,
  cwd: process.cwd(),
  signal: new AbortController().signal,
};

const step = STEPS.find((s) => s === process.argv[2]);
try {
  if (step === undefined) {
    io.stderr.write(`usage: action-bin.js ${STEPS.join("|")}\n`);
    process.exitCode = 1;
  } else {
    process.exitCode = await runActionStep(step, ciSurfaceFor(io));
  }
} catch (error: unknown) {
  process.exitCode = reportError(error, io);
}
