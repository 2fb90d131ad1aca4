import { PlanError, SpecError } from "../../errors.js";
import type { KeysyncError } from "../../errors.js";
import type { CiSurface } from "./ci-surface.js";

/** Title of a spec-error annotation (no `:` or `,`, so it reads the same escaped or not). */
export const SPEC_ERROR_TITLE = "Invalid keysync spec";

/**
 * `::error` annotations for an error keysync has just printed. A spec error becomes one
 * annotation per diagnostic, placed at its FILE:LINE:COLUMN (the file relative to the workspace,
 * as GitHub names files), so the pull request shows it on the offending line; a failed plan
 * one per problem; anything else one annotation with all its lines. GitHub shows only the first
 * 10 of a kind per step, which is why the full list is always in the log too.
 */
export function annotateError(ci: CiSurface, error: KeysyncError): void {
  if (!ci.actions) return;
  if (error instanceof SpecError) {
    for (const d of error.diagnostics) {
      ci.annotate("error", d.message, {
        file: ci.workspacePath(d.position.file),
        line: d.position.line,
        col: d.position.column,
        title: SPEC_ERROR_TITLE,
      });
    }
    return;
  }
  if (error instanceof PlanError) {
    for (const problem of error.problems) ci.annotate("error", problem, { title: "keysync" });
    return;
  }
  const lines = error.lines().map((line) => line.replace(/^Error: /, ""));
  if (lines.length > 0) ci.annotate("error", lines.join("\n"), { title: "keysync" });
}
