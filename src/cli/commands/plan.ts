import { PlanError } from "../../errors.js";
import { hasChanges, toPlanJson } from "../../render/plan-json.js";
import type { PlanJson } from "../../render/plan-json.js";
import { renderPlanText } from "../../render/plan-text.js";
import type { CommandContext } from "../main.js";
import { resolvePaths } from "../paths.js";
import { chooseStyle } from "../style.js";
import type { RemoteOptions } from "../workspace.js";
import { openWorkspace, planWorkspace, readLiveSets } from "../workspace.js";

export type OutputFormat = "text" | "json";

export interface PlanOptions extends RemoteOptions {
  readonly format: OutputFormat;
  readonly detailedExitcode?: boolean | undefined;
}

/**
 * `keysync plan`: reads the spec, the state and live Ory and prints what apply would do. Never
 * writes to Ory and never changes the state file (unfinished writes are settled in memory only).
 */
export async function runPlan(opts: PlanOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const ws = await openWorkspace(opts, resolvePaths(io.cwd, opts.file, opts.state), io);
  const live = await readLiveSets(ws, opts.parallelism, io);
  const { plan, settled } = await planWorkspace(ws, live, false);
  for (const s of settled) {
    const subject = "kid" in s.intent ? `${s.intent.setId}/${s.intent.kid}` : s.intent.setId;
    io.stderr.write(
      `${subject}: an earlier run left a write unfinished; Ory shows it ${s.outcome === "done" ? "took effect" : "did not take effect"} (the next apply records this)\n`,
    );
  }
  const json = toPlanJson(plan);
  writePlan(json, opts.format, ctx);
  if (plan.errors.length > 0) {
    // Text mode reports errors on stderr; JSON carries them in the document already.
    if (opts.format === "text") throw new PlanError(plan.errors.map((e) => e.message));
    return 1;
  }
  return opts.detailedExitcode === true && hasChanges(json) ? 2 : 0;
}

function writePlan(json: PlanJson, format: OutputFormat, { io, noColor }: CommandContext): void {
  switch (format) {
    case "json":
      io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    case "text":
      if (json.errors.length === 0)
        io.stdout.write(renderPlanText(json, chooseStyle(io.stdout, io.env, noColor)));
      return;
  }
}
