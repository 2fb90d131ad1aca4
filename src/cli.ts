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

  const controller = new AbortController();
  let interrupts = 0;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      interrupts += 1;
      if (interrupts > 1) {
        process.stderr.write(
          "\nSecond interrupt: exiting now. The state file holds every completed action.\n",
        );
        process.exit(sig === "SIGINT" ? 130 : 143);
      }
      controller.abort(sig);
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

  const code = await main(args, io);
  rl?.close();
  // Let stdout drain before exiting (the caller sets process.exitCode): process.exit() would cut
  // off output piped to a slow reader.
  return code;
}
