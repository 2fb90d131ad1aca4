import { isSafeId } from "../jwk/key-id.js";
import type { LiveKey, LiveSet } from "../ory/key-store.js";
import type { Plan } from "../plan/types.js";
import { toPlanJson } from "../render/plan-json.js";
import type { PlanJson } from "../render/plan-json.js";

/** What the world looks like now, read just before applying a saved plan. */
export interface CurrentWorld {
  /** The resolved target and where it came from. */
  readonly target: { readonly url: string; readonly from: string };
  /** The state file now: null when there is none. */
  readonly state: { readonly lineage: string; readonly serial: number } | null;
  readonly stateDisplay: string;
  /** A fresh read of every set the plan read (its sets and its forgotten sets). */
  readonly live: ReadonlyMap<string, LiveSet>;
  /**
   * For each upload action (by `SET/KID`): the thumbprint and private-part presence of what its
   * source resolves to now, or why it could not be resolved.
   */
  readonly sources: ReadonlyMap<
    string,
    { readonly thumbprint: string; readonly hasPrivate: boolean } | { readonly problem: string }
  >;
}

/**
 * Why a saved plan must not be applied now, one sentence per failed check; empty when it is
 * fresh. Terraform checks only the state serial; keysync also refuses when the target, the live
 * keys the plan read, or the material behind a `source` changed, because each would make the
 * plan's actions do something other than what the reviewer approved.
 */
export function staleReasons(plan: Plan, now: CurrentWorld): string[] {
  const reasons: string[] = [];
  if (now.target.url !== plan.target) {
    reasons.push(
      `target: the plan was made for ${plan.target}, but the target is ${now.target.url} (from ${now.target.from})`,
    );
  }

  const planned = plan.state;
  if (planned.lineage === null) {
    if (now.state !== null) {
      reasons.push(
        `state: the plan was made before ${now.stateDisplay} existed, and it exists now (serial ${now.state.serial})`,
      );
    }
  } else if (now.state === null) {
    reasons.push(
      `state: the plan was made from ${now.stateDisplay} (serial ${planned.serial}), which no longer exists`,
    );
  } else if (now.state.lineage !== planned.lineage) {
    reasons.push(
      `state lineage: the plan does not match ${now.stateDisplay} (it was made for lineage ${planned.lineage}, the file has ${now.state.lineage})`,
    );
  } else if (now.state.serial !== planned.serial) {
    reasons.push(
      `state serial: ${now.stateDisplay} changed since the plan was made (serial ${planned.serial}, now ${now.state.serial})`,
    );
  }

  for (const set of plan.sets) {
    const difference = liveDifference(set.live, now.live.get(set.setId));
    if (difference !== null)
      reasons.push(`live keys: set ${set.setId} changed on Ory since the plan was made (${difference})`);
  }
  for (const setId of plan.forgotten) {
    const fresh = now.live.get(setId);
    if (fresh?.exists !== false)
      reasons.push(`live keys: set ${setId} was absent when the plan was made and exists now`);
  }

  for (const set of plan.sets) {
    for (const entry of set.entries) {
      if (entry.kind !== "upload") continue;
      const address = `${entry.setId}/${entry.kid}`;
      const resolved = now.sources.get(address);
      if (resolved === undefined) continue;
      if ("problem" in resolved) reasons.push(`source: ${address} (${entry.source}): ${resolved.problem}`);
      else if (
        resolved.thumbprint !== entry.after.thumbprint ||
        resolved.hasPrivate !== entry.after.hasPrivate
      ) {
        reasons.push(
          `source: ${entry.source} for ${address} now resolves to other key material than when the plan was made`,
        );
      }
    }
  }
  return reasons;
}

/** How a set's keys differ from the planned read (Ory order included: it decides the signer). */
function liveDifference(planned: readonly LiveKey[] | null, fresh: LiveSet | undefined): string | null {
  if (fresh === undefined) return "it was not read";
  if (planned === null) return fresh.exists ? "it exists now" : null;
  if (!fresh.exists) return "it no longer exists";
  const now = new Map(fresh.keys.map((k) => [k.kid, k]));
  const then = new Map(planned.map((k) => [k.kid, k]));
  for (const k of planned) {
    const current = now.get(k.kid);
    if (current === undefined) return `key ${k.kid} was removed`;
    if (
      current.thumbprint !== k.thumbprint ||
      current.hasPrivate !== k.hasPrivate ||
      current.alg !== k.alg ||
      current.use !== k.use
    ) {
      return `key ${k.kid} was replaced`;
    }
  }
  const added = fresh.keys.find((k) => !then.has(k.kid));
  if (added !== undefined)
    return isSafeId(added.kid) ? `key ${added.kid} was added` : "a key with an unusable kid was added";
  const order = fresh.keys.map((k) => k.kid).join(",") !== planned.map((k) => k.kid).join(",");
  return order ? "its keys were rewritten in another order" : null;
}

/** At most this many differing addresses are named; the rest are counted. */
const MAX_NAMED_DIFFERENCES = 10;

/**
 * Where a saved plan differs from the plan keysync derives now from the spec, the state and a
 * fresh read; empty when they are the same. A saved plan is only an approval of what a fresh
 * plan would do: an edited file (an added `delete-set`, a changed kid, algorithm, source or
 * target) must never be executed as written, so apply executes the fresh plan, and only when
 * the two agree in every action, address and fact (the timestamp aside).
 */
export function planDifferences(saved: Plan, fresh: Plan): string[] {
  const a = toPlanJson(saved);
  const b = toPlanJson(fresh);
  const out: string[] = [];
  const changes = (json: PlanJson): Map<string, string> =>
    new Map(json.resource_changes.map((c) => [c.address, JSON.stringify(c)]));
  const before = changes(a);
  const after = changes(b);
  const differing = [...new Set([...before.keys(), ...after.keys()])]
    .filter((address) => before.get(address) !== after.get(address))
    .sort();
  for (const address of differing.slice(0, MAX_NAMED_DIFFERENCES)) {
    const inFile = a.resource_changes.find((c) => c.address === address);
    const now = b.resource_changes.find((c) => c.address === address);
    out.push(
      `${describeAddress(address)}: the plan file says ${describeChange(inFile)}, a fresh plan says ${describeChange(now)}`,
    );
  }
  if (differing.length > MAX_NAMED_DIFFERENCES) {
    out.push(`and ${differing.length - MAX_NAMED_DIFFERENCES} more keys or sets differ`);
  }
  const whole: readonly (keyof PlanJson)[] = [
    "target",
    "prior_state",
    "summary",
    "signers",
    "errors",
    "forgotten",
  ];
  for (const field of whole) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) {
      out.push(`${field}: the plan file does not match a fresh plan`);
    }
  }
  return out;
}

function describeAddress(address: string): string {
  return isSafeAddress(address) ? address : "a key with an unusable address";
}

function isSafeAddress(address: string): boolean {
  return address.split("/").every(isSafeId);
}

function describeChange(change: PlanJson["resource_changes"][number] | undefined): string {
  if (change === undefined) return "nothing";
  const actions = change.change.actions.join("+");
  return `${actions}${change.action_reason === null ? "" : ` (${change.action_reason})`}`;
}
