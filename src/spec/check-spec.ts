import type { Env } from "../cli/io.js";
import { formatDiagnostic } from "../errors.js";
import type { Diagnostic } from "../errors.js";
import type { ReadKeyFile } from "./material/load-material.js";
import { resolveKeys } from "./material/resolve-keys.js";
import { normalizeSpec } from "./normalize.js";
import { duplicateKidProblems, duplicateMaterialProblems } from "./rules/duplicates.js";
import { reservedSetProblems } from "./rules/reserved-sets.js";
import { targetUrlProblem } from "./rules/target-url.js";
import { parseSpec } from "./schema/parse-spec.js";
import { validateSchema } from "./schema/validate-schema.js";
import { readWrittenSpec } from "./schema/written-spec.js";
import type { DesiredSpec } from "./types.js";

export interface CheckSpecContext {
  /** The spec file as the user named it; every diagnostic starts with it. */
  readonly display: string;
  /** Absolute path of the spec file; `file:` sources are relative to its directory. */
  readonly specPath: string;
  /** For `env:` sources; only `KEYSYNC_*` names are read. */
  readonly env: Env;
  /** Reads key files; see `ReadKeyFile`. */
  readonly readFile: ReadKeyFile;
}

export type CheckSpecResult =
  | { readonly ok: true; readonly spec: DesiredSpec }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** More problems than this and the rest are summed up in one line: hostile input can have thousands. */
export const MAX_DIAGNOSTICS = 100;

/** Said instead of throwing if a bug escapes the checks; tests assert it never appears. */
export const INTERNAL_PROBLEM = "keysync failed while checking this spec (this is a bug in keysync)";

/**
 * Checks spec text completely: YAML (hostile input refused), schema, semantic rules and every
 * `source`, read through `ctx` (no network). Returns the `DesiredSpec`, or every problem found,
 * one per node, deduplicated and in file order. Never throws, whatever the input.
 *
 * Pipeline: parse → schema → written spec (tolerant) → resolve sources → set rules → normalize.
 * Schema problems do not stop the later steps for the sets and keys they did not touch.
 */
export async function checkSpec(text: string, ctx: CheckSpecContext): Promise<CheckSpecResult> {
  try {
    return await check(text, ctx);
  } catch {
    return {
      ok: false,
      diagnostics: [{ position: { file: ctx.display, line: 1, column: 1 }, message: INTERNAL_PROBLEM }],
    };
  }
}

async function check(text: string, ctx: CheckSpecContext): Promise<CheckSpecResult> {
  const result = await parseSpec(text, ctx.display);
  if (!result.ok) return { ok: false, diagnostics: finish(result.diagnostics) };
  const { parsed } = result;

  const problems = await validateSchema(parsed.value);
  const diagnostics: Diagnostic[] = problems.map((p) => ({
    position: parsed.locate(p.path, p.at),
    message: p.message,
  }));
  const written = readWrittenSpec(parsed, problems);
  const urlProblem = written.targetUrl === null ? null : targetUrlProblem(written.targetUrl.value);
  if (written.targetUrl !== null && urlProblem !== null) {
    diagnostics.push({ position: written.targetUrl.position, message: urlProblem });
  }

  const resolved = await resolveKeys(written, ctx);
  diagnostics.push(...resolved.diagnostics);
  for (const set of resolved.sets) {
    diagnostics.push(
      ...duplicateKidProblems(set),
      ...duplicateMaterialProblems(set),
      ...reservedSetProblems(set),
    );
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics: finish(diagnostics) };
  return { ok: true, spec: normalizeSpec(ctx.display, written.targetUrl?.value ?? null, resolved.sets) };
}

/** File order, one line per distinct problem, capped at `MAX_DIAGNOSTICS`. */
function finish(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const sorted = [...diagnostics]
    .sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column)
    .filter((d) => {
      const line = formatDiagnostic(d);
      if (seen.has(line)) return false;
      seen.add(line);
      return true;
    });
  const next = sorted[MAX_DIAGNOSTICS];
  if (next === undefined) return sorted;
  const more = sorted.length - MAX_DIAGNOSTICS;
  return [
    ...sorted.slice(0, MAX_DIAGNOSTICS),
    { position: next.position, message: `…and ${more} more problems` },
  ];
}
