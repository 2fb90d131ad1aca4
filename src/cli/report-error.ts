import { ExitCode, InternalError, KeysyncError } from "../errors.js";
import { annotateError } from "./github/annotate-error.js";
import { ciSurfaceFor } from "./github/ci-surface.js";
import type { Io } from "./io.js";
import { chooseStyle } from "./style.js";

const BUG_URL = "https://github.com/keysync/keysync/issues";

/**
 * The single place where an error becomes output and an exit code. Expected errors print their
 * own lines; anything else is a bug and prints where it happened, never its message text (a
 * foreign error's message can quote input, and input can be key material: V8's JSON.parse
 * errors quote the text they failed on). In GitHub Actions the same lines go through the command
 * neutralizer and are followed by `::error` annotations (spec errors at their FILE:LINE:COLUMN).
 */
export function reportError(error: unknown, given: Io, noColor = false): number {
  const ci = ciSurfaceFor(given);
  const { io } = ci;
  const style = chooseStyle(io.stderr, io.env, noColor);
  if (error instanceof KeysyncError) {
    for (const line of error.lines()) {
      io.stderr.write(`${line.startsWith("Error: ") ? style("red", "Error:") + line.slice(6) : line}\n`);
    }
    annotateError(ci, error);
    return error.exitCode;
  }
  const name = error instanceof Error ? error.name : typeof error;
  const detail = error instanceof InternalError ? `: ${error.message}` : ` at ${whereThrown(error)}`;
  io.stderr.write(`${style("red", "Error:")} internal error (this is a bug in keysync): ${name}${detail}\n`);
  io.stderr.write(`Please report it at ${BUG_URL} with the command you ran.\n`);
  ci.annotate("error", `internal error (this is a bug in keysync): ${name}${detail}`, { title: "keysync" });
  if (io.env["KEYSYNC_DEBUG"] === "1" && error instanceof Error && error.stack !== undefined) {
    // Opt-in only: frames name files and lines of keysync's own code.
    io.stderr.write(`${error.stack.split("\n").slice(1).join("\n")}\n`);
  }
  return ExitCode.error;
}

function whereThrown(error: unknown): string {
  if (!(error instanceof Error) || error.stack === undefined) return "an unknown place";
  const frame = error.stack.split("\n").find((l) => l.trimStart().startsWith("at "));
  const location = frame === undefined ? undefined : /\(?([^()\s]+:\d+:\d+)\)?$/.exec(frame.trim())?.[1];
  return location ?? "an unknown place";
}
