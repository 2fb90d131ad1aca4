import { assertNever } from "../errors.js";
import type { LiveSet } from "../ory/key-store.js";
import { forgetKey, forgetSet, managedKeyOf, recordKey, removeIntent } from "./mutations.js";
import type { Intent, State } from "./types.js";

/** What settling one unfinished write found, for the log. */
export interface Settlement {
  readonly intent: Intent;
  readonly outcome: "done" | "not-done";
}

/**
 * Settles writes a previous run recorded but never saw the outcome of (a crash, a kill -9, a
 * lost response), using a fresh read of their sets. keysync chose every kid, so the read tells:
 * a generated kid that is live was created by that run; a source kid live with the intended
 * thumbprint was uploaded; a deleted kid or set that is absent was deleted. Pure: the caller
 * reads the sets first and persists the result (apply) or only plans with it (plan).
 *
 * Intents whose set is missing from `live` are left pending.
 */
export function settleIntents(
  state: State,
  live: ReadonlyMap<string, LiveSet>,
): { state: State; settled: Settlement[] } {
  let next = state;
  const settled: Settlement[] = [];
  for (const intent of state.pending) {
    const set = live.get(intent.setId);
    if (set === undefined) continue;
    const liveKey = "kid" in intent && set.exists ? set.keys.find((k) => k.kid === intent.kid) : undefined;
    let done: boolean;
    switch (intent.op) {
      case "generate-key":
        done = liveKey !== undefined;
        if (liveKey !== undefined) next = recordKey(next, intent.setId, managedKeyOf(liveKey, "generated"));
        break;
      case "put-key":
        done = liveKey?.thumbprint === intent.thumbprint;
        if (liveKey !== undefined && done)
          next = recordKey(next, intent.setId, managedKeyOf(liveKey, "source"));
        break;
      case "delete-key":
        done = liveKey === undefined;
        if (done) next = forgetKey(next, intent.setId, intent.kid);
        break;
      case "delete-set":
        done = !set.exists;
        if (done) next = forgetSet(next, intent.setId);
        break;
      default:
        assertNever(intent, "intent");
    }
    next = removeIntent(next, intent);
    settled.push({ intent, outcome: done ? "done" : "not-done" });
  }
  return { state: next, settled };
}
