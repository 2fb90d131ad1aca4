import type { ApplyResult } from "../../apply/apply-result.js";
import { hasChanges } from "../../render/plan-json.js";
import type { PlanJson } from "../../render/plan-json.js";
import { renderApplyMarkdown, renderPlanMarkdown } from "../../render/plan-markdown.js";
import { renderPlanText } from "../../render/plan-text.js";
import { plain } from "../style.js";
import type { CiSurface, StreamName } from "./ci-surface.js";

/** Where a plan cut from the step summary (over 1024k) can still be seen. */
const SUMMARY_HINT = "Run `keysync plan` locally to see the full plan.";

/** What was run: a plan, or an apply with its result (null when the plan failed). */
export type PublishedRun =
  { readonly verb: "plan" } | { readonly verb: "apply"; readonly result: ApplyResult | null };

/**
 * The step outputs a plan sets (`$GITHUB_OUTPUT`), so later steps can branch with `if:` without
 * parsing: `has_changes` (`true` when applying would send a write), `add`, `change`, `destroy`.
 */
export function planOutputs(json: PlanJson): Record<string, string> {
  const { add, change, destroy } = json.summary;
  return {
    has_changes: String(hasChanges(json)),
    add: String(add),
    change: String(change),
    destroy: String(destroy),
  };
}

/**
 * Everything a plan or apply hands to the CI besides stdout: the Markdown appended to the step
 * summary (the comment's layout, but with the summary's far larger budget, so the full plan is
 * there when the comment had to be cut), the step outputs (only for a plan that can be applied:
 * a failed plan sets none rather than a misleading `has_changes=false`), and plan warnings as
 * `::warning` annotations. Errors become annotations here only when `errorsReported` is false
 * (the command will not throw them to `reportError`, which annotates what it prints).
 */
export async function publishPlan(
  ci: CiSurface,
  json: PlanJson,
  run: PublishedRun,
  errorsReported: boolean,
): Promise<void> {
  const title = `keysync ${run.verb}`;
  for (const w of json.warnings) ci.annotate("warning", `${w.set}: ${w.message}`, { title });
  if (!errorsReported) for (const e of json.errors) ci.annotate("error", e.message, { title });
  await ci.appendSummary((maxChars) =>
    run.verb === "plan"
      ? renderPlanMarkdown(json, { maxChars, fullPlanHint: SUMMARY_HINT })
      : renderApplyMarkdown(json, run.result, { maxChars, fullPlanHint: SUMMARY_HINT }),
  );
  if (json.errors.length === 0) await ci.setOutputs(planOutputs(json));
}

/** The group title for a plan in the log: the counts line, visible while the group is folded. */
export function planGroupTitle(verb: "plan" | "apply", json: PlanJson): string {
  if (json.errors.length > 0) return `keysync ${verb}: the plan failed`;
  if (!hasChanges(json)) return `keysync ${verb}: No changes.`;
  const { add, change, destroy } = json.summary;
  return `keysync ${verb}: Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
}

/**
 * In Actions, when stdout carries a document (JSON or Markdown), the human plan still belongs in
 * the log: it goes to `stream` (stderr), folded. Outside Actions this writes nothing.
 */
export function logPlanText(ci: CiSurface, verb: "plan" | "apply", json: PlanJson, stream: StreamName): void {
  if (!ci.actions) return;
  ci.group(stream, planGroupTitle(verb, json), () => {
    ci.io[stream].write(renderPlanText(json, plain));
  });
}
