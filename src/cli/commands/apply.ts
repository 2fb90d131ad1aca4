import { resolve } from "node:path";
import { applyPlan } from "../../apply/apply-plan.js";
import type { ApplyResult } from "../../apply/apply-result.js";
import type { ApplyHooks } from "../../apply/hooks.js";
import { planDifferences, staleReasons } from "../../apply/check-saved-plan.js";
import type { CurrentWorld } from "../../apply/check-saved-plan.js";
import {
  AbortedError,
  ApplyFailedError,
  FileError,
  KeysyncError,
  PlanError,
  UsageError,
} from "../../errors.js";
import { thumbprintOf } from "../../jwk/describe-key.js";
import { hasPrivateMaterial } from "../../jwk/jwk.js";
import type { Jwk } from "../../jwk/jwk.js";
import type { KeyStore, LiveSet } from "../../ory/key-store.js";
import { parsePlanFile } from "../../plan/plan-file.js";
import type { Plan, UploadAction } from "../../plan/types.js";
import { isAction } from "../../plan/types.js";
import { toPlanJson } from "../../render/plan-json.js";
import type { PlanJson } from "../../render/plan-json.js";
import { renderApplyMarkdown } from "../../render/plan-markdown.js";
import { renderPlanText } from "../../render/plan-text.js";
import { readKeyMaterial, toUploadJwk } from "../../spec/material.js";
import { describeFsError } from "../../fs/describe-fs-error.js";
import { readRegularFile } from "../../fs/read-regular-file.js";
import { settleIntents } from "../../state/settle.js";
import type { StateStore } from "../../state/store.js";
import { withStateLock } from "../../state/with-lock.js";
import type { CiSurface } from "../github/ci-surface.js";
import { ciSurfaceFor } from "../github/ci-surface.js";
import { logPlanText, planGroupTitle, publishPlan } from "../github/publish-plan.js";
import type { Io } from "../io.js";
import { lockOptions } from "../lock-options.js";
import type { CommandContext } from "../main.js";
import { parseDuration } from "../options.js";
import type { OutputFormat } from "./plan.js";
import { resolvePaths } from "../paths.js";
import { progressHooks } from "../progress.js";
import { chooseStyle } from "../style.js";
import type { RemoteOptions } from "../workspace.js";
import { openWorkspace, planWorkspace, readLiveSets } from "../workspace.js";

export interface ApplyOptions extends RemoteOptions {
  readonly autoApprove?: boolean | undefined;
  readonly json?: boolean | undefined;
  /** Wins over `json` when given (main resolves `--json` and `--format` into it). */
  readonly format?: OutputFormat | undefined;
  readonly lockTimeout: string;
}

/** Saved plans are small; anything this large is not one. */
const MAX_PLAN_FILE_BYTES = 64 * 1024 * 1024;

/**
 * `keysync apply [PLANFILE]`. Without a plan file: plan, show, confirm (a terminal asks; without
 * one, `--auto-approve` is required), execute. With one: check it is still fresh and execute
 * exactly it (the saved plan is the approval). Holds the state lock throughout. Nothing to do
 * exits 0 with `No changes.` whatever the flags.
 */
export async function runApply(
  planFile: string | undefined,
  opts: ApplyOptions,
  given: CommandContext,
  specGiven: boolean,
): Promise<number> {
  // In GitHub Actions every line goes through the command neutralizer from here on.
  const ctx: CommandContext = { ...given, io: ciSurfaceFor(given.io).io };
  const timeoutMs = parseDuration(opts.lockTimeout, "--lock-timeout");
  if (planFile === undefined) return applyFresh(opts, ctx, timeoutMs);
  if (specGiven)
    throw new UsageError("give either -f FILE or a PLANFILE, not both: a saved plan names its spec file");
  return applySaved(planFile, opts, ctx, timeoutMs);
}

async function applyFresh(opts: ApplyOptions, ctx: CommandContext, timeoutMs: number): Promise<number> {
  const { io } = ctx;
  const paths = resolvePaths(io.cwd, opts.file, opts.state);
  return withStateLock(paths.statePath, lockOptions("apply", timeoutMs, paths.stateDisplay, io), async () => {
    const ws = await openWorkspace(opts, paths, io);
    const live = await readLiveSets(ws, opts.parallelism, io);
    const { plan, settled } = await planWorkspace(ws, live, true);
    const run = new ApplyRun(plan, ctx, opts, ws.keyStore, ws.state, paths.specPath);
    for (const s of settled) run.hooks.onSettled(s);
    await run.refuseIfErrors();
    run.showPlan();
    if (run.total > 0 && opts.autoApprove !== true) await confirm(ctx, ws.target.url);
    return run.execute();
  });
}

async function applySaved(
  planFile: string,
  opts: ApplyOptions,
  ctx: CommandContext,
  timeoutMs: number,
): Promise<number> {
  const { io } = ctx;
  const saved = await parsePlanFile(await readPlanFile(resolve(io.cwd, planFile), planFile), planFile);
  const { plan } = saved;
  const paths = resolvePaths(io.cwd, saved.specFile, opts.state);
  return withStateLock(paths.statePath, lockOptions("apply", timeoutMs, paths.stateDisplay, io), async () => {
    // The target comes exactly as `plan` takes it (flag, ORY_SDK_URL, spec), never from the plan
    // file, and it must pass every check — the state's target, the plan's — before anything,
    // token or not, is sent to it.
    const ws = await openWorkspace(opts, paths, io);
    const refuse = (reasons: readonly string[]): PlanError =>
      new PlanError([
        `the saved plan ${planFile} cannot be applied; nothing was sent:`,
        ...reasons.map((r) => `  ${r}`),
        "make a new plan with keysync plan --out",
      ]);
    if (plan.target !== ws.target.url) {
      throw refuse([
        `target: the plan was made for ${plan.target}, but the target is ${ws.target.url} (from ${ws.target.from})`,
      ]);
    }
    io.stderr.write(`Checking the saved plan ${planFile} against ${ws.target.url}...\n`);
    // Only the sets a fresh plan reads: declared, managed, or with an unfinished write.
    const live = await readLiveSets(ws, opts.parallelism, io);
    const world: CurrentWorld = {
      target: { url: ws.target.url, from: ws.target.from },
      state: ws.state.exists ? { lineage: ws.state.current.lineage, serial: ws.state.current.serial } : null,
      stateDisplay: paths.stateDisplay,
      live,
      sources: await resolveSources(plan, paths.specPath, io),
    };
    const stale = staleReasons(plan, world);
    if (stale.length > 0) throw refuse(stale);
    // The file is only an approval: what runs is the plan derived now, and only when the two
    // agree, so the planner's own rules (declared or managed, reserved sets never deleted) hold
    // whatever the file says.
    const fresh = await planWorkspace(ws, live, false);
    const differences = planDifferences(plan, fresh.plan);
    if (differences.length > 0) throw refuse(differences);
    const run = new ApplyRun(fresh.plan, ctx, opts, ws.keyStore, ws.state, paths.specPath);
    await settleAndPersist(ws.state, live, run);
    run.showPlan();
    return run.execute();
  });
}

/** Records the outcome of writes an earlier run left unfinished, learnt from the fresh read. */
async function settleAndPersist(
  store: StateStore,
  live: ReadonlyMap<string, LiveSet>,
  run: ApplyRun,
): Promise<void> {
  const { state, settled } = settleIntents(store.current, live);
  if (settled.length === 0) return;
  await store.update(() => state);
  for (const s of settled) run.hooks.onSettled(s);
}

/**
 * The plan file's text: only from a regular file (a FIFO is refused without waiting on it, a
 * device without reading it), at most `MAX_PLAN_FILE_BYTES` bytes whatever size it claims.
 */
async function readPlanFile(path: string, display: string): Promise<string> {
  let read;
  try {
    read = await readRegularFile(path, MAX_PLAN_FILE_BYTES, "plan files");
  } catch (error: unknown) {
    throw new FileError(`cannot read the plan file ${display}: ${describeFsError(error)}`);
  }
  if (read.kind === "absent") throw new FileError(`cannot read the plan file ${display}: no such file`);
  if (read.kind === "refused")
    throw new FileError(`${display} is not a keysync plan file: it ${read.reason}`);
  return Buffer.from(read.bytes).toString("utf8");
}

/** What each upload's source resolves to now (for the freshness check); never throws. */
async function resolveSources(plan: Plan, specPath: string, io: Io): Promise<CurrentWorld["sources"]> {
  const out = new Map<string, { thumbprint: string; hasPrivate: boolean } | { problem: string }>();
  for (const set of plan.sets) {
    for (const entry of set.entries) {
      if (entry.kind !== "upload") continue;
      const address = `${entry.setId}/${entry.kid}`;
      try {
        const jwk = await uploadMaterial(entry, specPath, io);
        out.set(address, { thumbprint: thumbprintOf(jwk), hasPrivate: hasPrivateMaterial(jwk) });
      } catch (error: unknown) {
        if (!(error instanceof KeysyncError)) throw error;
        out.set(address, { problem: error.message });
      }
    }
  }
  return out;
}

/** The JWK to PUT for an upload: the source's material now, with the planned kid, alg and use. */
async function uploadMaterial(action: UploadAction, specPath: string, io: Io): Promise<Jwk> {
  const material = await readKeyMaterial(action.source, { specPath, env: io.env });
  return toUploadJwk(material, {
    kid: action.kid,
    alg: action.after.alg ?? "",
    use: action.after.use === "enc" ? "enc" : "sig",
  });
}

class SourceChangedError extends KeysyncError {
  override readonly name = "SourceChangedError";
}

/** One apply: the plan, its rendering, the hooks, and the execution and report. */
class ApplyRun {
  readonly json: PlanJson;
  readonly total: number;
  readonly hooks: ApplyHooks;
  private readonly ci: CiSurface;
  private readonly format: OutputFormat;
  constructor(
    readonly plan: Plan,
    private readonly ctx: CommandContext,
    private readonly opts: ApplyOptions,
    private readonly keyStore: KeyStore,
    private readonly store: StateStore,
    private readonly specPath: string,
  ) {
    this.json = toPlanJson(plan);
    this.ci = ciSurfaceFor(ctx.io);
    this.format = opts.format ?? (opts.json === true ? "json" : "text");
    this.total = plan.sets.reduce((n, s) => n + s.entries.filter(isAction).length, 0);
    this.hooks = progressHooks(
      ctx.io.stderr,
      chooseStyle(ctx.io.stderr, ctx.io.env, ctx.noColor),
      this.total,
    );
  }

  async refuseIfErrors(): Promise<void> {
    if (this.plan.errors.length === 0) return;
    const { stdout } = this.ctx.io;
    if (this.format === "json")
      stdout.write(this.ci.jsonText({ ...this.json, result: resultJson(emptyResult()) }));
    if (this.format === "markdown") stdout.write(renderApplyMarkdown(this.json, null));
    await publishPlan(this.ci, this.json, { verb: "apply", result: null }, true);
    throw new PlanError(this.plan.errors.map((e) => e.message));
  }

  /** Text: the plan on stdout (folded in Actions). JSON and Markdown print it with the result. */
  showPlan(): void {
    const { io, noColor } = this.ctx;
    if (this.format !== "text") {
      logPlanText(this.ci, "apply", this.json, "stderr");
      return;
    }
    this.ci.group("stdout", planGroupTitle("apply", this.json), () => {
      io.stdout.write(renderPlanText(this.json, chooseStyle(io.stdout, io.env, noColor)));
    });
  }

  async execute(): Promise<number> {
    const { io } = this.ctx;
    const applying = `keysync apply: ${this.total} ${this.total === 1 ? "change" : "changes"}`;
    const run = (): Promise<ApplyResult> => this.applyAll();
    const result = this.total > 0 ? await this.ci.groupAsync("stderr", applying, run) : await run();
    report(this.json, result, this.total, this.format, io, this.ci);
    for (const f of result.failed)
      this.ci.annotate("error", `${f.address}: ${f.message}`, { title: "keysync apply" });
    await publishPlan(this.ci, this.json, { verb: "apply", result }, true);
    if (result.interrupted)
      throw new AbortedError(
        "interrupted: requests in flight finished and the state file is saved; run keysync apply again to continue",
      );
    if (result.failed.length > 0) throw new ApplyFailedError("apply failed");
    return 0;
  }

  private async applyAll(): Promise<ApplyResult> {
    const { io, interrupts } = this.ctx;
    // The first interrupt says at once what it waits for (contract §6).
    let inFlight = 0;
    const undo = interrupts.describeStopWith(
      () =>
        `Interrupt received: finishing ${inFlight} ${inFlight === 1 ? "request" : "requests"} in flight, then stopping ` +
        "(interrupt again to exit at once)",
    );
    try {
      return await this.send(io, (count) => (inFlight = count));
    } finally {
      undo();
    }
  }

  private send(io: Io, onInFlight: (count: number) => void): Promise<ApplyResult> {
    return applyPlan(this.plan, {
      store: this.keyStore,
      state: this.store,
      uploadJwk: async (action) => {
        const jwk = await uploadMaterial(action, this.specPath, io);
        if (
          thumbprintOf(jwk) !== action.after.thumbprint ||
          hasPrivateMaterial(jwk) !== action.after.hasPrivate
        ) {
          throw new SourceChangedError(
            `${action.source} now holds other key material than when the plan was made; run keysync plan again`,
          );
        }
        return jwk;
      },
      parallelism: this.opts.parallelism,
      signal: io.signal,
      hooks: this.hooks,
      onInFlight,
    });
  }
}

/**
 * Asks on the terminal. Nothing is in flight while it waits, so an interrupt here ends keysync
 * at once (exit 130, lock released: cli/interrupt.ts); where no process policy acts on it (main
 * run in-process), the aborted `io.signal` cancels the prompt instead.
 */
async function confirm({ io, interrupts }: CommandContext, target: string): Promise<void> {
  if (!io.stdin.isTTY) {
    throw new UsageError(
      "refusing to apply without confirmation: stdin is not a terminal; pass --auto-approve, or apply a saved plan",
    );
  }
  io.stderr.write(
    `\nDo you want to perform these actions on ${target}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
  );
  const answer = await interrupts.exitAtOnceDuring(() => untilAborted(io.signal, io.stdin.readLine()));
  if (answer?.trim() !== "yes") throw new AbortedError("apply cancelled");
  io.stderr.write("\n");
}

/** `pending`, or null as soon as `signal` is aborted (a prompt answered by an interrupt). */
function untilAborted<T>(signal: AbortSignal, pending: Promise<T>): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = (): void => {
      resolve(null);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => {
      signal.removeEventListener("abort", onAbort);
    });
  });
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

function report(
  json: PlanJson,
  result: ApplyResult,
  total: number,
  format: OutputFormat,
  io: Io,
  ci: CiSurface,
): void {
  if (format === "json") {
    io.stdout.write(ci.jsonText({ ...json, result: resultJson(result) }));
    return;
  }
  if (format === "markdown") {
    io.stdout.write(renderApplyMarkdown(json, result));
    return;
  }
  if (total === 0) return;
  const { add, destroy } = json.summary;
  if (result.failed.length === 0 && !result.interrupted) {
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
