import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { KeysyncError, UsageError } from "../errors.js";
import { KEYSYNC_VERSION } from "../version.js";
import { Interrupts } from "./interrupt.js";
import type { Io } from "./io.js";
import { DEFAULT_PARALLELISM, parseParallelism } from "./options.js";

/** What every command handler receives besides its own options. */
export interface CommandContext {
  readonly io: Io;
  readonly noColor: boolean;
  /** How SIGINT/SIGTERM are answered; `io.signal` is what tells a command to stop. */
  readonly interrupts: Interrupts;
}

/**
 * Runs keysync with `argv` (without node and script) and returns the exit code. A new commander
 * program per call, with exits and output redirected into `io`, so tests can run it in-process.
 * `interrupts` is the process's signal policy (cli.ts); in-process callers may leave it out.
 * Command modules are imported lazily: `keysync --version` must not load ajv, axios or jose.
 */
export async function main(
  argv: readonly string[],
  given: Io,
  interrupts: Interrupts = new Interrupts(),
): Promise<number> {
  let exitCode = 0;
  // On a GitHub Actions runner every line any command prints goes through the workflow-command
  // filter (a set ID may be "::error::…"); loaded only there, so other start-ups stay lean.
  const io =
    given.env["GITHUB_ACTIONS"] === "true"
      ? (await import("./github/ci-surface.js")).ciSurfaceFor(given).io
      : given;
  const noColor = argv.includes("--no-color");
  const ctx: CommandContext = { io, noColor, interrupts };
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

  program
    .command("plan")
    .description("show what apply would change in Ory; never writes to Ory or the state file")
    .addOption(specOption())
    .addOption(stateOption())
    .addOption(targetOption())
    .option("--json", "print the plan as one JSON document (same as --format json)")
    .addOption(formatOption())
    .option("--detailed-exitcode", "exit 2 when there are changes (0: none, 1: error)")
    .option(
      "--out <PLANFILE>",
      "save the plan for `keysync apply PLANFILE` (takes the state lock while planning)",
    )
    .addOption(parallelismOption())
    .addOption(insecureHttpOption())
    .addOption(insecureTlsOption())
    .addOption(lockTimeoutOption())
    .action(async (opts) => {
      const { runPlan } = await import("./commands/plan.js");
      done(await runPlan({ ...opts, format: formatOf(opts) }, ctx));
    });

  program
    .command("apply")
    .description(
      "make Ory match the spec: plan, confirm, execute (one key at a time, state saved as it goes)",
    )
    .argument(
      "[PLANFILE]",
      "a plan saved by `keysync plan --out`: applied exactly, if still fresh, without a prompt",
    )
    .addOption(specOption())
    .addOption(stateOption())
    .addOption(targetOption())
    .option("--auto-approve", "do not ask for confirmation (needed when stdin is not a terminal)")
    .option("--json", "print the plan and the result as one JSON document (same as --format json)")
    .addOption(formatOption())
    .addOption(parallelismOption())
    .addOption(insecureHttpOption())
    .addOption(insecureTlsOption())
    .addOption(lockTimeoutOption())
    .action(async (planFile, opts, command) => {
      const { runApply } = await import("./commands/apply.js");
      const format = formatOf(opts);
      done(
        await runApply(planFile, { ...opts, format }, ctx, command.getOptionValueSource("file") === "cli"),
      );
    });

  program
    .command("import")
    .description("adopt existing live sets into the state (reads Ory, writes only the state file)")
    .argument("<SET_ID...>", "sets that exist on Ory")
    .addOption(specOption())
    .addOption(stateOption())
    .addOption(targetOption())
    .addOption(parallelismOption())
    .addOption(insecureHttpOption())
    .addOption(insecureTlsOption())
    .addOption(lockTimeoutOption())
    .action(async (setIds, opts) => {
      const { runImport } = await import("./commands/import.js");
      done(await runImport(setIds, opts, ctx));
    });

  // state list | show | rm: read -f only to find the default state path; rm takes the lock.
  const stateCommand = program
    .command("state")
    .description("inspect the state file, or forget sets in it (never touches Ory)");
  stateCommand
    .command("list")
    .description("print the IDs of the sets keysync manages, one per line")
    .addOption(specOption())
    .addOption(stateOption())
    .action(async (opts) => {
      const { runStateList } = await import("./commands/state.js");
      done(await runStateList(opts, ctx));
    });
  stateCommand
    .command("show")
    .description("print the keys recorded for a managed set")
    .argument("<SET_ID>", "a managed set")
    .addOption(specOption())
    .addOption(stateOption())
    .action(async (setId, opts) => {
      const { runStateShow } = await import("./commands/state.js");
      done(await runStateShow(setId, opts, ctx));
    });
  stateCommand
    .command("rm")
    .description("stop managing sets: forget them in the state, leaving them untouched in Ory")
    .argument("<SET_ID...>", "managed sets to forget")
    .addOption(specOption())
    .addOption(stateOption())
    .addOption(lockTimeoutOption())
    .action(async (setIds, opts) => {
      const { runStateRm } = await import("./commands/state.js");
      done(await runStateRm(setIds, opts, ctx));
    });

  program
    .command("force-unlock")
    .description("remove the state lock with this ID (the ID is the confirmation; no prompt)")
    .argument("<LOCK_ID>", "the lock ID, as printed by the keysync that found the state locked")
    .addOption(specOption())
    .addOption(stateOption())
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
    .option(
      "--token <TOKEN>",
      "require Authorization: Bearer TOKEN on /admin/* (visible in ps; prefer --token-file or KEYSYNC_SERVE_TOKEN)",
    )
    .option("--token-file <FILE>", "read the bearer token from the first line of FILE")
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
    // Loaded only when there is an error to report: `--version` and clean runs skip it.
    const { reportError } = await import("./report-error.js");
    return reportError(error, io, noColor);
  }
}

export function specOption() {
  return new Option("-f, --file <FILE>", "the spec file").default("keysets.yaml");
}

function stateOption() {
  return new Option("--state <FILE>", "the state file (default: keysync.state.json beside the spec)");
}

function targetOption() {
  return new Option(
    "--target <URL>",
    "Ory admin URL (overrides ORY_SDK_URL and target.url in the spec). A loopback target is never " +
      "proxied; others honour HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (and their lowercase forms)",
  );
}

function parallelismOption() {
  return new Option("--parallelism <N>", "how many sets are read or applied at once")
    .default(DEFAULT_PARALLELISM)
    .argParser(commanderParse(parseParallelism));
}

function insecureTlsOption() {
  return new Option(
    "--insecure-tls",
    "allow talking to the target while NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks",
  );
}

function insecureHttpOption() {
  return new Option("--insecure-http", "allow plain http:// to a host that is not loopback");
}

function lockTimeoutOption() {
  return new Option(
    "--lock-timeout <DURATION>",
    "how long to wait for the state lock (e.g. 30s, 5m)",
  ).default("0s");
}

const FORMATS = ["text", "json", "markdown"] as const;
type Format = (typeof FORMATS)[number];

/** `--format markdown` prints a pull-request comment (and the job summary gets the same). */
function formatOption() {
  return new Option("--format <FORMAT>", "output format (markdown: a pull-request comment)").choices(FORMATS);
}

/** `--json` is `--format json`; giving both with different formats is a usage error. */
function formatOf(opts: { json?: true | undefined; format?: Format | undefined }): Format {
  if (opts.json === true && opts.format !== undefined && opts.format !== "json") {
    throw new UsageError(`--json conflicts with --format ${opts.format}`);
  }
  return opts.json === true ? "json" : (opts.format ?? "text");
}

/** Lets commander report our parse errors as its own usage errors (exit 1, with a hint). */
function commanderParse<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error: unknown) {
      if (error instanceof KeysyncError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** For handlers whose options commander cannot express (mutually exclusive flags and the like). */
export function usage(message: string): never {
  throw new UsageError(message);
}
