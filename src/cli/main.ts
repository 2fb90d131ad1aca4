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
