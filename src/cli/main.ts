import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { UsageError } from "../errors.js";
import { KEYSYNC_VERSION } from "../version.js";
import type { Io } from "./io.js";
import { reportError } from "./report-error.js";

/** What every command handler receives besides its own options. */
export interface CommandContext {
  readonly io: Io;
  readonly noColor: boolean;
}

/**
 * Runs keysync with `argv` (without node and script) and returns the exit code. A new commander
 * program per call, with exits and output redirected into `io`, so tests can run it in-process.
 * Command modules are imported lazily: `keysync --version` must not load ajv, axios or jose.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  const noColor = argv.includes("--no-color");
  const ctx: CommandContext = { io, noColor };
  const done = (code: number): void => {
    exitCode = code;
  };

  const program = new Command()
    .name("keysync")
    .description("Declarative GitOps for JSON Web Key Sets on Ory: validate, plan, apply.")
    .version(KEYSYNC_VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--no-color", "never use colour (NO_COLOR is honoured too)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        io.stdout.write(s);
      },
      writeErr: (s) => {
        io.stderr.write(s);
      },
    });

  // Commands are registered here, one block each; handlers live in ./commands/<verb>.ts and are
  // imported inside the action so that start-up loads only what the command in hand needs.
  program
    .command("validate")
    .description("check the spec against the schema and keysync's rules, without touching Ory")
    .addOption(specOption())
    .action(async (opts) => {
      const { runValidate } = await import("./commands/validate.js");
      done(await runValidate(opts, ctx));
    });

  // state list | show | rm: read -f only to find the default state path; rm takes the lock.
  const stateCommand = program
    .command("state")
    .description("inspect the state file, or forget sets in it (never touches Ory)");
  stateCommand
    .command("list")
    .description("print the IDs of the sets keysync manages, one per line")
    .addOption(specOption())
    .option("--state <FILE>", "the state file (default: keysync.state.json beside the spec)")
    .action(async (opts) => {
      const { runStateList } = await import("./commands/state.js");
      done(await runStateList(opts, ctx));
    });
  stateCommand
    .command("show")
    .description("print the keys recorded for a managed set")
    .argument("<SET_ID>", "a managed set")
    .addOption(specOption())
    .option("--state <FILE>", "the state file (default: keysync.state.json beside the spec)")
    .action(async (setId, opts) => {
      const { runStateShow } = await import("./commands/state.js");
      done(await runStateShow(setId, opts, ctx));
    });
  stateCommand
    .command("rm")
    .description("stop managing sets: forget them in the state, leaving them untouched in Ory")
    .argument("<SET_ID...>", "managed sets to forget")
    .addOption(specOption())
    .option("--state <FILE>", "the state file (default: keysync.state.json beside the spec)")
    .option("--lock-timeout <DURATION>", "how long to wait for the state lock (e.g. 30s, 5m)", "0s")
    .action(async (setIds, opts) => {
      const { runStateRm } = await import("./commands/state.js");
      done(await runStateRm(setIds, opts, ctx));
    });

  program
    .command("force-unlock")
    .description("remove the state lock with this ID (the ID is the confirmation; no prompt)")
    .argument("<LOCK_ID>", "the lock ID, as printed by the keysync that found the state locked")
    .addOption(specOption())
    .option("--state <FILE>", "the state file (default: keysync.state.json beside the spec)")
    .action(async (lockId, opts) => {
      const { runForceUnlock } = await import("./commands/force-unlock.js");
      done(await runForceUnlock(lockId, opts, ctx));
    });

  program
    .command("serve")
    .description("run the embedded Ory-compatible JWK admin server (demos, CI sandboxes, tests)")
    .option("--port <N>", "port to listen on; 0 picks a free one", "4445")
    .option("--host <HOST>", "interface to listen on; non-loopback needs --token", "127.0.0.1")
    .option("--data <FILE>", "keep keys in this file (mode 0600) instead of in memory")
    .option("--token <TOKEN>", "require Authorization: Bearer TOKEN on /admin/*")
    .option("--rsa-bits <N>", "size of generated RS256/RS384/RS512 keys, 2048-8192 (Hydra: 4096)", "4096")
    .action(async (opts) => {
      const { runServe } = await import("./commands/serve.js");
      done(await runServe(opts, ctx));
    });

  for (const sub of program.commands) sub.exitOverride().helpOption("-h, --help", "show help");

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every usage error is 1, never 2 (2 means "plan has changes").
      return error.exitCode === 0 ? 0 : 1;
    }
    return reportError(error, io, noColor);
  }
}

export function specOption() {
  return new Option("-f, --file <FILE>", "the spec file").default("keysets.yaml");
}

/** For handlers whose options commander cannot express (mutually exclusive flags and the like). */
export function usage(message: string): never {
  throw new UsageError(message);
}
