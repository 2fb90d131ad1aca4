/**
 * Every error keysync expects is a `KeysyncError`: it knows its exit code and renders itself as
 * one line per problem, with no stack trace and no secret. `cli/main.ts` is the only place that
 * turns errors into output and exit codes; anything that is not a `KeysyncError` is a bug.
 *
 * Rule for every message built here: name things (files, set IDs, kids, env var names, URLs
 * without credentials), never echo values that could be key material, tokens or request bodies.
 */

/** Process exit codes (contract §6). 2 is reserved for `plan --detailed-exitcode` with changes. */
export const ExitCode = { ok: 0, error: 1, changes: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A place in a file. Lines and columns are 1-based, as editors and GitHub annotations count. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem in a user-supplied file, reported as `FILE:LINE:COLUMN: message`. */
export interface Diagnostic {
  readonly position: SourcePosition;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.position.file}:${d.position.line}:${d.position.column}: ${d.message}`;
}

export abstract class KeysyncError extends Error {
  /** Exit code for this error; 1 for everything expected (contract §6). */
  readonly exitCode: ExitCode = ExitCode.error;
  /** The lines printed on stderr, one per problem. */
  lines(): readonly string[] {
    return [`Error: ${this.message}`];
  }
}

/** Bad command line: unknown flag, missing argument, conflicting options. */
export class UsageError extends KeysyncError {
  override readonly name = "UsageError";
}

/** The spec file is missing, unreadable, or invalid. Carries every problem found, in file order. */
export class SpecError extends KeysyncError {
  override readonly name = "SpecError";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(
      diagnostics.length === 1 ? "the spec has 1 problem" : `the spec has ${diagnostics.length} problems`,
    );
  }
  override lines(): readonly string[] {
    return this.diagnostics.map(formatDiagnostic);
  }
}

/** A file keysync was pointed at cannot be used (not found, not readable, too large). */
export class FileError extends KeysyncError {
  override readonly name = "FileError";
}

/** Target URL or credentials are unusable before any request is sent. */
export class TargetError extends KeysyncError {
  override readonly name = "TargetError";
}

/**
 * What went wrong talking to Ory, in terms a user can act on. `kind` drives the message and
 * the applier's decisions; the raw HTTP exchange is never kept (it holds tokens and keys).
 */
export type OryErrorKind =
  | "not-ory" // the URL answers, but not as an Ory admin API (router 404, HTML)
  | "auth" // 401/403
  | "unreachable" // DNS, refused, reset before any response
  | "timeout"
  | "rate-limited" // 429 after the retry budget
  | "server" // 5xx after the retry budget
  | "rejected" // 4xx Ory answered deliberately (400 bad key, 409 conflict)
  | "malformed"; // a 2xx whose body is not what Ory's API documents

export class OryError extends KeysyncError {
  override readonly name = "OryError";
  constructor(
    readonly kind: OryErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** The state file or its lock cannot be used as it is. Never overwritten in that case. */
export class StateError extends KeysyncError {
  override readonly name = "StateError";
}

/** Another keysync holds the state lock. */
export class LockError extends KeysyncError {
  override readonly name = "LockError";
}

/** The plan cannot be made or applied (unmanaged live set, reserved set removal, stale plan file). */
export class PlanError extends KeysyncError {
  override readonly name = "PlanError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
  }
  override lines(): readonly string[] {
    return this.problems.map((p) => `Error: ${p}`);
  }
}

/** A saved plan no longer matches the world; lists every failed check. Nothing was sent. */
export class StalePlanError extends KeysyncError {
  override readonly name = "StalePlanError";
  constructor(
    readonly planFile: string,
    readonly reasons: readonly string[],
  ) {
    super(`the saved plan ${planFile} cannot be applied: ${reasons.join("; ")}`);
  }
  override lines(): readonly string[] {
    return [
      `Error: the saved plan ${this.planFile} cannot be applied; nothing was sent:`,
      ...this.reasons.map((r) => `  - ${r}`),
      `Make a new plan: keysync plan --out ${this.planFile}`,
    ];
  }
}

/** Apply stopped before finishing: some actions failed or were not attempted. Already reported. */
export class ApplyFailedError extends KeysyncError {
  override readonly name = "ApplyFailedError";
  override lines(): readonly string[] {
    return [];
  }
}

/** The user declined a confirmation prompt, or interrupted with SIGINT/SIGTERM. */
export class AbortedError extends KeysyncError {
  override readonly name = "AbortedError";
}

/** Something keysync assumed could not happen did. Printed as a bug report request. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}

/** For exhaustive switches: a compile error if a union member is not handled. */
export function assertNever(value: never, what = "value"): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
