import pLimit from "p-limit";
import { assertNever, KeysyncError } from "../errors.js";
import type { Jwk } from "../jwk/jwk.js";
import { keyAddress } from "../jwk/key-facts.js";
import type { KeyStore, LiveKey } from "../ory/key-store.js";
import type { Action, NoOp, Plan, SetPlan, UploadAction } from "../plan/types.js";
import { isAction } from "../plan/types.js";
import {
  addIntent,
  ensureSet,
  forgetKey,
  forgetSet,
  managedKeyOf,
  recordKey,
  removeIntent,
  sameIntent,
  withTarget,
} from "../state/mutations.js";
import type { Intent, State } from "../state/types.js";
import type { ApplyResult } from "./apply-result.js";
import type { ApplyHooks } from "./hooks.js";

/** The part of the state store the applier needs: a durable, serialized update. */
export interface StateUpdater {
  update(mutate: (state: State) => State): Promise<void>;
}

export interface ApplyDeps {
  readonly store: KeyStore;
  readonly state: StateUpdater;
  /**
   * The JWK to PUT for an upload: the material behind `action.source`, read again now, with the
   * planned kid, alg and use. Must throw if its thumbprint is not `action.after.thumbprint`.
   * Holds private members: used for one request, never kept.
   */
  readonly uploadJwk: (action: UploadAction) => Promise<Jwk>;
  /** How many sets are applied at once; actions within a set always run one by one, in order. */
  readonly parallelism: number;
  /** Aborted on SIGINT/SIGTERM: requests in flight finish, nothing new starts. */
  readonly signal: AbortSignal;
  readonly hooks: ApplyHooks;
  /**
   * Told how many requests are in flight (sent, not yet answered) each time that changes, so an
   * interrupt can say how many it is waiting for.
   */
  readonly onInFlight?: (count: number) => void;
}

/**
 * Executes exactly the plan's actions (it never re-plans or reorders). Within a set, actions run
 * in plan order and the first failure stops that set: nothing after a failed step is sent, so an
 * old key is never deleted after its successor failed to appear. Other sets carry on.
 *
 * Crash safety: before each request the step's intent is made durable in the state file, and
 * after it the outcome replaces the intent. keysync chose every kid, so whatever instant a
 * `kill -9` lands on, the next run learns each write's outcome by reading its set (settle.ts).
 */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const done: string[] = [];
  const failed: { address: string; message: string }[] = [];
  const notAttempted: string[] = [];

  await deps.state.update((s) => plan.forgotten.reduce(forgetSet, withTarget(s, plan.target)));

  const inFlight = { count: 0 };
  const limit = pLimit(deps.parallelism);
  // A set holds its place among the `parallelism` only while it sends requests: waiting for its
  // last outcomes to reach the disk (and refreshing its records) happens outside the limit, so
  // the next set starts sending meanwhile. Every set is finished before this returns.
  const outcomes = await Promise.all(
    plan.sets.map((set) =>
      limit(() => sendSet(set, plan.target, deps, inFlight)).then((sent) => finishSet(set, sent)),
    ),
  );
  // Collected per set and merged in plan order, so the report is deterministic.
  for (const o of outcomes) {
    done.push(...o.done);
    failed.push(...o.failed);
    notAttempted.push(...o.notAttempted);
  }
  return { done, failed, notAttempted, interrupted: deps.signal.aborted };
}

interface SetOutcome {
  done: string[];
  failed: { address: string; message: string }[];
  notAttempted: string[];
}

/** A set whose actions have run: what happened, and the outcome writes not yet awaited. */
interface SentSet {
  readonly outcome: SetOutcome;
  readonly deps: SetDeps;
  readonly stopped: boolean;
}

/** Runs a set's actions in order, up to the first failure. */
async function sendSet(
  set: SetPlan,
  target: string,
  baseDeps: ApplyDeps,
  inFlight: { count: number },
): Promise<SentSet> {
  const outcome: SetOutcome = { done: [], failed: [], notAttempted: [] };
  const deps: SetDeps = { ...baseDeps, outcomeWrites: [], ahead: null, inFlight };
  const actions = set.entries.filter(isAction);
  let stopped = false;
  for (const [i, action] of actions.entries()) {
    if (stopped || deps.signal.aborted) {
      outcome.notAttempted.push(addressOf(action));
      continue;
    }
    const following = actions[i + 1];
    try {
      const thumbprint = await execute(
        action,
        target,
        deps,
        following === undefined ? null : intentsOf(following)[0],
      );
      outcome.done.push(addressOf(action));
      deps.hooks.onDone(action, { thumbprint });
    } catch (error: unknown) {
      // Expected errors carry safe messages; anything else is a bug and must surface as one.
      if (!(error instanceof KeysyncError)) throw error;
      stopped = true;
      outcome.failed.push({ address: addressOf(action), message: error.message });
      deps.hooks.onFailed(action, error.message);
    }
  }
  // An intent recorded ahead for a step that was never sent (a failure or an interrupt stopped
  // the set first) is withdrawn, so the state holds no intent for a request never made.
  const unsent = deps.ahead;
  if (unsent !== null) {
    deps.ahead = null;
    const withdrawn = unsent.durable.then(() => deps.state.update((st) => removeIntent(st, unsent.intent)));
    withdrawn.catch(() => undefined);
    deps.outcomeWrites.push(withdrawn);
  }
  return { outcome, deps, stopped };
}

/** The set is done when its outcome writes are on disk; then its unchanged keys' records are refreshed. */
async function finishSet(set: SetPlan, { outcome, deps, stopped }: SentSet): Promise<SetOutcome> {
  // Outcome writes were not awaited one by one (see step()); the set is done when they are.
  await Promise.all(deps.outcomeWrites);
  if (!stopped && !deps.signal.aborted) await refreshRecords(set, deps);
  return outcome;
}

/** Per-set dependencies and progress. */
interface SetDeps extends ApplyDeps {
  /** The outcome writes of this set's steps, awaited before the set reports. */
  readonly outcomeWrites: Promise<void>[];
  /** The next step's intent, recorded while the current step's request was in flight. */
  ahead: { readonly intent: Intent; readonly durable: Promise<void> } | null;
  /** Requests of the whole apply sent and not yet answered (shared by every set). */
  readonly inFlight: { count: number };
}

/**
 * The intents of an action's requests, in order: a same-kid regeneration is a DELETE and then a
 * POST of that kid; every other action is one request.
 */
function intentsOf(action: Action): [Intent, ...Intent[]] {
  switch (action.kind) {
    case "generate":
      return [generateIntent(action)];
    case "regenerate":
      return [{ op: "delete-key", setId: action.setId, kid: action.kid }, generateIntent(action)];
    case "upload":
      return [
        {
          op: "put-key",
          setId: action.setId,
          kid: action.kid,
          kty: action.after.kty,
          alg: action.after.alg ?? "",
          use: action.after.use ?? "",
          thumbprint: action.after.thumbprint,
          hasPrivate: action.after.hasPrivate,
        },
      ];
    case "delete-key":
      return [{ op: "delete-key", setId: action.setId, kid: action.kid }];
    case "delete-set":
      return [{ op: "delete-set", setId: action.setId }];
    default:
      return assertNever(action, "action");
  }
}

function generateIntent(action: Action & { kind: "generate" | "regenerate" }): Intent {
  return { op: "generate-key", setId: action.setId, kid: action.kid, alg: action.alg, use: action.use };
}

/**
 * Runs one action's requests, each bracketed by its intent; returns the new key's thumbprint.
 * `following` is the intent of the set's next action, which may be recorded ahead (see step()).
 */
async function execute(
  action: Action,
  target: string,
  deps: SetDeps,
  following: Intent | null,
): Promise<string | null> {
  const { store, hooks } = deps;
  const [first] = intentsOf(action);
  switch (action.kind) {
    case "generate":
      hooks.onStep(action, "generating");
      return (await generate(action, target, deps, following)).thumbprint;
    case "regenerate": {
      const second = generateIntent(action);
      hooks.onStep(action, "deleting-key");
      await step(deps, target, first, second, async () => {
        await store.deleteKey(action.setId, action.kid);
        return { value: null, record: (s) => forgetKey(s, action.setId, action.kid) };
      });
      hooks.onStep(action, "generating");
      return (await generate(action, target, deps, following)).thumbprint;
    }
    case "upload": {
      hooks.onStep(action, "uploading");
      const jwk = await deps.uploadJwk(action);
      const live = await step(deps, target, first, following, async () => {
        const key = await store.putKey(action.setId, action.kid, jwk);
        return { value: key, record: (s) => recordKey(s, action.setId, managedKeyOf(key, "source")) };
      });
      return live.thumbprint;
    }
    case "delete-key":
      hooks.onStep(action, "deleting-key");
      await step(deps, target, first, following, async () => {
        await store.deleteKey(action.setId, action.kid);
        return { value: null, record: (s) => forgetKey(s, action.setId, action.kid) };
      });
      return null;
    case "delete-set":
      hooks.onStep(action, "deleting-set");
      await step(deps, target, first, following, async () => {
        await store.deleteSet(action.setId);
        return { value: null, record: (s) => forgetSet(s, action.setId) };
      });
      return null;
    default:
      return assertNever(action, "action");
  }
}

function generate(
  action: Action & { kind: "generate" | "regenerate" },
  target: string,
  deps: SetDeps,
  following: Intent | null,
): Promise<LiveKey> {
  return step(deps, target, generateIntent(action), following, async () => {
    const key = await deps.store.generateKey(action.setId, {
      kid: action.kid,
      alg: action.alg,
      use: action.use,
    });
    return { value: key, record: (s) => recordKey(s, action.setId, managedKeyOf(key, "generated")) };
  });
}

type Mutation = (s: State) => State;

/**
 * One request with its intent: the intent is durable before the request is sent; the outcome
 * replaces it in memory at once and goes to disk with the next write. Not waiting for that write
 * is safe: until it lands, the file still holds the intent, which the next run settles by reading
 * the set, so a crash in between loses nothing (and it halves the wait per action). If the
 * request throws, the intent stays for the next run to settle.
 *
 * While the request is in flight, the next step's intent (`following`) is made durable too, so
 * that step can be sent the moment this one answers. Settling stays exact because the two name
 * different kids: a recorded intent whose request was never sent reads as "not done" (its kid is
 * not live, or still live, or not yet at the new thumbprint) and is dropped. Steps on the same
 * kid (a regeneration's DELETE and POST) are never overlapped: the old key would read as the new
 * one's creation.
 */
async function step<T>(
  deps: SetDeps,
  target: string,
  intent: Intent,
  following: Intent | null,
  send: () => Promise<{ value: T; record: Mutation }>,
): Promise<T> {
  const ahead = deps.ahead;
  deps.ahead = null;
  if (ahead !== null && sameIntent(ahead.intent, intent)) await ahead.durable;
  else await deps.state.update((s) => addIntent(ensureSet(withTarget(s, target), intent.setId), intent));
  if (following !== null && kidOf(following) !== null && kidOf(following) !== kidOf(intent)) {
    const durable = deps.state.update((s) => addIntent(s, following));
    // Handled when the next step awaits it, or withdrawn by sendSet; never left unhandled.
    durable.catch(() => undefined);
    deps.ahead = { intent: following, durable };
  }
  const { value, record } = await counted(deps, send);
  const written = deps.state.update((s) => removeIntent(record(s), intent));
  // Mark it handled now (Node kills the process on an unhandled rejection); the set awaits it later.
  written.catch(() => undefined);
  deps.outcomeWrites.push(written);
  return value;
}

/** Runs one request, counted as in flight (`ApplyDeps.onInFlight`) until it settles. */
async function counted<T>(deps: SetDeps, send: () => Promise<T>): Promise<T> {
  deps.inFlight.count += 1;
  deps.onInFlight?.(deps.inFlight.count);
  try {
    return await send();
  } finally {
    deps.inFlight.count -= 1;
    deps.onInFlight?.(deps.inFlight.count);
  }
}

/** The kid an intent writes, or null for a whole-set deletion. */
function kidOf(intent: Intent): string | null {
  return "kid" in intent ? intent.kid : null;
}

/**
 * After a set applied cleanly, brings the records of its unchanged keys up to date with what was
 * read (a source key re-uploaded by hand keeps matching the spec but had a stale thumbprint).
 */
async function refreshRecords(set: SetPlan, deps: ApplyDeps): Promise<void> {
  const noOps = set.entries.filter((e): e is NoOp => e.kind === "no-op");
  if (noOps.length === 0) return;
  await deps.state.update((s) => {
    let next = s;
    for (const entry of noOps) {
      const record = next.sets.get(set.setId)?.keys.find((k) => k.kid === entry.kid);
      const origin = record?.origin ?? "imported";
      next = recordKey(next, set.setId, managedKeyOf(entry.facts, origin));
    }
    return next;
  });
}

export function addressOf(action: Action): string {
  return action.kind === "delete-set" ? action.setId : keyAddress(action.setId, action.kid);
}
