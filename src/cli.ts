#!/usr/bin/env node
// The keysync executable: wires the real process into main() and exits with its code.
import type { Interface } from "node:readline";
import type { Io } from "./cli/io.js";
import { KEYSYNC_VERSION } from "./version.js";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  // Answered before commander and the command table load: scripts and health checks run this,
  // and it should cost little more than starting node. The same output as `main` gives.
  process.stdout.write(`${KEYSYNC_VERSION}\n`);
} else {
  process.exitCode = await run(argv);
}

async function run(args: readonly string[]): Promise<number> {
  const { main } = await import("./cli/main.js");
  const { GRACE_MS, Interrupts } = await import("./cli/interrupt.js");
  const { releaseHeldLocksSync } = await import("./state/held-locks.js");

  // Signals (cli/interrupt.ts decides, this carries it out). Every way out that skips the
  // command's own ending removes this process's state lock first: process.exit runs nothing
  // asynchronous, so the release is synchronous.
  const controller = new AbortController();
  const interrupts = new Interrupts();
  let finished = false;
  const exitNow = (code: number): never => {
    releaseHeldLocksSync();
    process.exit(code);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      const reaction = interrupts.receive(sig);
      if (reaction.notice !== null) process.stderr.write(`\n${reaction.notice}\n`);
      if (reaction.kind === "exit-now") exitNow(reaction.code);
      controller.abort(sig);
      // Bounded: whatever the command is stuck on (a server that never answers), the process
      // ends. Unref'd, so a stop that finishes in time exits as soon as it is done.
      setTimeout(() => {
        if (finished) exitNow(Number(process.exitCode ?? 0));
        process.stderr.write(`${Interrupts.graceOverNotice()}\n`);
        exitNow(reaction.code);
      }, GRACE_MS).unref();
    });
  }

  let lines: AsyncIterator<string> | undefined;
  let rl: Interface | undefined;
  const io: Io = {
    stdout: {
      write: (s) => process.stdout.write(s),
      isTTY: process.stdout.isTTY,
      columns: process.stdout.columns,
    },
    stderr: {
      write: (s) => process.stderr.write(s),
      isTTY: process.stderr.isTTY,
      columns: process.stderr.columns,
    },
    stdin: {
      isTTY: process.stdin.isTTY,
      readLine: async () => {
        if (rl === undefined) {
          const { createInterface } = await import("node:readline");
          rl = createInterface({ input: process.stdin, terminal: false });
        }
        lines ??= rl[Symbol.asyncIterator]();
        const next = await lines.next();
        return next.done === true ? null : next.value;
      },
    },
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };

  const code = await main(args, io, interrupts);
  finished = true;
  rl?.close();
  // Let stdout drain before exiting (the caller sets process.exitCode): process.exit() would cut
  // off output piped to a slow reader.
  return code;
}
