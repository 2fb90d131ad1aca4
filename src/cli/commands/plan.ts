import { FileError, PlanError } from "../../errors.js";
import { serializePlanFile } from "../../plan/plan-file.js";
import type { Plan } from "../../plan/types.js";
import { hasChanges, toPlanJson } from "../../render/plan-json.js";
import type { PlanJson } from "../../render/plan-json.js";
import { renderPlanMarkdown } from "../../render/plan-markdown.js";
import { renderPlanText } from "../../render/plan-text.js";
import { writeFileAtomic } from "../../state/atomic-write.js";
import { withStateLock } from "../../state/with-lock.js";
import { lockOptions } from "../lock-options.js";
import type { CiSurface } from "../github/ci-surface.js";
import { ciSurfaceFor } from "../github/ci-surface.js";
import { logPlanText, planGroupTitle, publishPlan } from "../github/publish-plan.js";
import type { CommandContext } from "../main.js";
import { parseDuration } from "../options.js";
import type { Paths } from "../paths.js";
import { resolvePaths } from "../paths.js";
import { chooseStyle } from "../style.js";
import type { RemoteOptions } from "../workspace.js";
import { openWorkspace, planWorkspace, readLiveSets } from "../workspace.js";
import { resolve } from "node:path";

export type OutputFormat = "text" | "json" | "markdown";

export interface PlanOptions extends RemoteOptions {
  readonly format: OutputFormat;
  readonly detailedExitcode?: boolean | undefined;
  /** Save the plan here for `apply PLANFILE`. */
  readonly out?: string | undefined;
  readonly lockTimeout: string;
}

/**
 * `keysync plan`: reads the spec, the state and live Ory and prints what apply would do. Never
 * writes to Ory and never changes the state file (unfinished writes are settled in memory only).
 * With `--out` it holds the state lock while planning, so the saved plan's state serial is one
 * no other keysync was changing, and saves the plan (0600) only if it can be applied.
 */
export async function runPlan(opts: PlanOptions, given: CommandContext): Promise<number> {
  const ci = ciSurfaceFor(given.io);
  const ctx: CommandContext = { ...given, io: ci.io };
  const paths = resolvePaths(ctx.io.cwd, opts.file, opts.state);
  const { out } = opts;
  if (out === undefined) return planAndReport(opts, paths, ctx, ci);
  const timeoutMs = parseDuration(opts.lockTimeout, "--lock-timeout");
  return withStateLock(paths.statePath, lockOptions("plan", timeoutMs, paths.stateDisplay, ctx.io), () =>
    planAndReport(opts, paths, ctx, ci, out),
  );
}

async function planAndReport(
  opts: PlanOptions,
  paths: Paths,
  ctx: CommandContext,
  ci: CiSurface,
  out?: string,
): Promise<number> {
  const { io } = ctx;
  const ws = await openWorkspace(opts, paths, io);
  const live = await readLiveSets(ws, opts.parallelism, io);
  const { plan, settled } = await planWorkspace(ws, live, false);
  for (const s of settled) {
    const subject = "kid" in s.intent ? `${s.intent.setId}/${s.intent.kid}` : s.intent.setId;
    io.stderr.write(
      `${subject}: an earlier run left a write unfinished; Ory shows it ${s.outcome === "done" ? "took effect" : "did not take effect"} (the next apply records this)\n`,
    );
  }
  const json = toPlanJson(plan);
  writePlan(json, opts.format, ctx, ci);
  await publishPlan(ci, json, { verb: "plan" }, opts.format !== "json");
  if (plan.errors.length > 0) {
    // Text and Markdown report errors on stderr too; JSON carries them in the document only.
    if (opts.format !== "json") throw new PlanError(plan.errors.map((e) => e.message));
    return 1;
  }
  if (out !== undefined) await savePlan(plan, paths.specDisplay, out, ctx);
  return opts.detailedExitcode === true && hasChanges(json) ? 2 : 0;
}

async function savePlan(plan: Plan, specFile: string, out: string, { io }: CommandContext): Promise<void> {
  try {
    await writeFileAtomic(resolve(io.cwd, out), serializePlanFile(plan, specFile));
  } catch {
    throw new FileError(`cannot write the plan to ${out}`);
  }
  io.stderr.write(`Saved the plan to ${out}. To apply exactly this plan: keysync apply ${out}\n`);
}

/** stdout carries only the document; in Actions the text plan is folded into the log as well. */
function writePlan(
  json: PlanJson,
  format: OutputFormat,
  { io, noColor }: CommandContext,
  ci: CiSurface,
): void {
  switch (format) {
    case "json":
      io.stdout.write(ci.jsonText(json));
      logPlanText(ci, "plan", json, "stderr");
      return;
    case "markdown":
      io.stdout.write(renderPlanMarkdown(json));
      logPlanText(ci, "plan", json, "stderr");
      return;
    case "text":
      if (json.errors.length === 0)
        ci.group("stdout", planGroupTitle("plan", json), () => {
          io.stdout.write(renderPlanText(json, chooseStyle(io.stdout, io.env, noColor)));
        });
      return;
  }
}
