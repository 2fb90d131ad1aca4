import { applyPlan } from "../../apply/apply-plan.js";
import type { ApplyResult } from "../../apply/apply-result.js";
import { AbortedError, ApplyFailedError, KeysyncError, PlanError, UsageError } from "../../errors.js";
import { thumbprintOf } from "../../jwk/describe-key.js";
import { hasPrivateMaterial } from "../../jwk/jwk.js";
import type { Jwk } from "../../jwk/jwk.js";
import type { Plan, UploadAction } from "../../plan/types.js";
import { isAction } from "../../plan/types.js";
import { toPlanJson } from "../../render/plan-json.js";
import type { PlanJson } from "../../render/plan-json.js";
import { renderPlanText } from "../../render/plan-text.js";
import { readKeyMaterial, toUploadJwk } from "../../spec/material.js";
import { withStateLock } from "../../state/with-lock.js";
import type { Io } from "../io.js";
import { lockOptions } from "../lock-options.js";
import type { CommandContext } from "../main.js";
import { parseDuration } from "../options.js";
import { resolvePaths } from "../paths.js";
import { progressHooks } from "../progress.js";
import { chooseStyle } from "../style.js";
import type { RemoteOptions, Workspace } from "../workspace.js";
import { openWorkspace, planWorkspace, readLiveSets } from "../workspace.js";

export interface ApplyOptions extends RemoteOptions {
  readonly autoApprove?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly lockTimeout: string;
}

/**
 * `keysync apply`: plan, show, confirm, execute. Holds the state lock throughout. Asks on a
 * terminal; refuses without `--auto-approve` when stdin is not one. Nothing to do exits 0 with
 * `No changes.` whatever the flags.
 */
export async function runApply(opts: ApplyOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const timeoutMs = parseDuration(opts.lockTimeout, "--lock-timeout");
  const paths = resolvePaths(io.cwd, opts.file, opts.state);
  return withStateLock(paths.statePath, lockOptions("apply", timeoutMs, paths.stateDisplay, io), async () => {
    const ws = await openWorkspace(opts, paths, io);
    const style = chooseStyle(io.stderr, io.env, ctx.noColor);
    const live = await readLiveSets(ws, opts.parallelism, io);
    const { plan, settled } = await planWorkspace(ws, live, true);
    const total = actionCount(plan);
    const hooks = progressHooks(io.stderr, style, total);
    for (const s of settled) hooks.onSettled(s);
    const json = toPlanJson(plan);
    if (plan.errors.length > 0) {
      if (opts.json === true)
        io.stdout.write(`${JSON.stringify({ ...json, result: resultJson(emptyResult()) }, null, 2)}\n`);
      throw new PlanError(plan.errors.map((e) => e.message));
    }
    if (opts.json !== true)
      io.stdout.write(renderPlanText(json, chooseStyle(io.stdout, io.env, ctx.noColor)));
    if (total > 0 && opts.autoApprove !== true) await confirm(io, ws.target.url);

    const result = await applyPlan(plan, {
      store: ws.keyStore,
      state: ws.state,
      uploadJwk: (action) => uploadJwk(action, ws, io),
      parallelism: opts.parallelism,
      signal: io.signal,
      hooks,
    });
    report(json, result, total, opts.json === true, io);
    if (result.interrupted)
      throw new AbortedError(
        "interrupted: requests in flight finished and the state file is saved; run keysync apply again to continue",
      );
    if (result.failed.length > 0) throw new ApplyFailedError("apply failed");
    return 0;
  });
}

function actionCount(plan: Plan): number {
  return plan.sets.reduce((n, s) => n + s.entries.filter(isAction).length, 0);
}

async function confirm(io: Io, target: string): Promise<void> {
  if (!io.stdin.isTTY) {
    throw new UsageError(
      "refusing to apply without confirmation: stdin is not a terminal; pass --auto-approve, or apply a saved plan",
    );
  }
  io.stderr.write(
    `\nDo you want to perform these actions on ${target}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
  );
  const answer = await io.stdin.readLine();
  if (answer?.trim() !== "yes") throw new AbortedError("apply cancelled");
  io.stderr.write("\n");
}

/** Reads the source again now and checks it is the material the plan was made with. */
async function uploadJwk(action: UploadAction, ws: Workspace, io: Io): Promise<Jwk> {
  const material = await readKeyMaterial(action.source, { specPath: ws.paths.specPath, env: io.env });
  const jwk = toUploadJwk(material, {
    kid: action.kid,
    alg: action.after.alg ?? "",
    use: action.after.use === "enc" ? "enc" : "sig",
  });
  if (
    (await thumbprintOf(jwk)) !== action.after.thumbprint ||
    hasPrivateMaterial(jwk) !== action.after.hasPrivate
  ) {
    throw new SourceChangedError(
      `${action.source} now holds other key material than when the plan was made; run keysync plan again`,
    );
  }
  return jwk;
}

class SourceChangedError extends KeysyncError {
  override readonly name = "SourceChangedError";
}

function emptyResult(): ApplyResult {
  return { done: [], failed: [], notAttempted: [], interrupted: false };
}

function resultJson(result: ApplyResult): Record<string, unknown> {
  return {
    done: result.done,
    failed: result.failed.map((f) => f.address),
    not_attempted: result.notAttempted,
    failures: result.failed,
    interrupted: result.interrupted,
  };
}

function report(json: PlanJson, result: ApplyResult, total: number, asJson: boolean, io: Io): void {
  if (asJson) {
    io.stdout.write(`${JSON.stringify({ ...json, result: resultJson(result) }, null, 2)}\n`);
    return;
  }
  if (total === 0) return;
  const ok = result.failed.length === 0 && !result.interrupted;
  const { add, destroy } = json.summary;
  if (ok) {
    io.stdout.write(`\nApply complete! Keys: ${add} added, 0 changed, ${destroy} destroyed.\n`);
    return;
  }
  const lines = [
    "",
    `Apply ${result.interrupted ? "interrupted" : "failed"}: ${result.done.length} done, ${result.failed.length} failed, ${result.notAttempted.length} not attempted.`,
    ...result.failed.map((f) => `  failed: ${f.address}: ${f.message}`),
    ...(result.notAttempted.length > 0 ? [`  not attempted: ${result.notAttempted.join(", ")}`] : []),
    "The state file records every completed action; run keysync apply again to continue.",
  ];
  io.stdout.write(`${lines.join("\n")}\n`);
}
