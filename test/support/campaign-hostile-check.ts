import type { SecretCanary } from "./canary.js";
import type { MainResult } from "./campaign-run.js";

/**
 * What every hostile-input case must satisfy, whatever the input: an exit code of 0, 1 or 2;
 * never an internal error or a stack trace; for exit 1, a clear reason on stderr (an `Error:`
 * line or a `FILE:LINE:COL:` diagnostic) of bounded length; no control characters from the input
 * echoed to a terminal; and no secret on any output.
 */

/**
 * A character that must never reach a terminal from the input: C0 and C1 controls (except tab
 * and newline), DEL, and the bidi overrides and isolates used for spoofing.
 */
function isControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** The first line of `text` holding such a character (cut to 200), or null. */
function controlLine(text: string): string | null {
  for (const line of text.split("\n")) {
    for (let i = 0; i < line.length; i++) if (isControl(line.charCodeAt(i))) return line.slice(0, 200);
  }
  return null;
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
/** An `Error:` line, a `FILE:LINE:COL:` diagnostic, or an apply step's `set/kid: Failed: reason`. */
const REASON = /^(Error: \S.*|[^\s:][^:]*:\d+:\d+: \S.*|\S+: Failed: \S.*)$/m;
/** Longest stderr line tolerated: enough for any real message, far below an echoed 10 kB kid. */
export const MAX_LINE = 2_000;

/** Problems with one run's outcome; empty when it behaved. */
export function judgeRun(
  result: MainResult,
  canary: SecretCanary,
  extraSurfaces: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  if (![0, 1, 2].includes(result.code)) problems.push(`exit code ${result.code}`);
  if (/internal error|this is a bug/i.test(result.stderr))
    problems.push(`internal error: ${firstLine(result.stderr)}`);
  for (const [name, text] of [
    ["stdout", result.stdout],
    ["stderr", result.stderr],
  ] as const) {
    if (STACK_FRAME.test(text)) problems.push(`stack trace on ${name}`);
    const control = controlLine(text);
    if (control !== null) problems.push(`control character on ${name}: ${JSON.stringify(control)}`);
  }
  if (result.code === 1 && !REASON.test(result.stderr) && !jsonGivesReason(result.stdout)) {
    problems.push(`exit 1 without a reason: ${JSON.stringify(result.stderr.slice(-300))}`);
  }
  const long = result.stderr.split("\n").find((l) => l.length > MAX_LINE);
  if (long !== undefined) problems.push(`a ${long.length}-character stderr line: ${long.slice(0, 120)}…`);
  const leaks = [result.stdout, result.stderr, ...extraSurfaces].flatMap((t) => canary.find(t));
  if (leaks.length > 0) problems.push(`secret leaked: ${[...new Set(leaks)].join(", ")}`);
  return problems;
}

/** `--json` output carries its reasons in the document: plan `errors` or apply `result.failures`. */
function jsonGivesReason(stdout: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout) as unknown;
  } catch {
    return false;
  }
  if (typeof doc !== "object" || doc === null) return false;
  const { errors, result } = doc as { errors?: unknown; result?: { failures?: unknown } };
  const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
  return nonEmpty(errors) || nonEmpty(result?.failures);
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => /internal error/i.test(l)) ?? text.slice(0, 200);
}
