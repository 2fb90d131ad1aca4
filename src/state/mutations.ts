import type { KeyOrigin } from "../jwk/key-facts.js";
import type { LiveKey } from "../ory/key-store.js";
import type { Intent, ManagedKey, ManagedSet, State } from "./types.js";

/**
 * Pure, immutable edits of a `State`. Each returns a new state; callers hand them to
 * `StateStore.update`, which decides whether anything changed and writes it durably.
 */

/** A managed-key record from what Ory reported. */
export function managedKeyOf(live: LiveKey, origin: KeyOrigin): ManagedKey {
  return {
    kid: live.kid,
    kty: live.kty,
    alg: live.alg,
    use: live.use,
    thumbprint: live.thumbprint,
    origin,
    hasPrivate: live.hasPrivate,
  };
}

export function withTarget(state: State, target: string): State {
  return state.target === target ? state : { ...state, target };
}

/** Marks a set as managed (with no keys yet) if it is not already. */
export function ensureSet(state: State, setId: string): State {
  if (state.sets.has(setId)) return state;
  return withSet(state, { setId, keys: [] });
}

/** Records (or re-records) one key of a set, managing the set if it was not. */
export function recordKey(state: State, setId: string, key: ManagedKey): State {
  const keys = (state.sets.get(setId)?.keys ?? []).filter((k) => k.kid !== key.kid);
  keys.push(key);
  return withSet(state, { setId, keys: keys.sort((a, b) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0)) });
}

export function forgetKey(state: State, setId: string, kid: string): State {
  const set = state.sets.get(setId);
  if (set?.keys.some((k) => k.kid === kid) !== true) return state;
  return withSet(state, { setId, keys: set.keys.filter((k) => k.kid !== kid) });
}

export function forgetSet(state: State, setId: string): State {
  if (!state.sets.has(setId)) return state;
  const sets = new Map(state.sets);
  sets.delete(setId);
  return { ...state, sets };
}

/** Replaces a set's whole record (used by import). */
export function replaceSet(state: State, set: ManagedSet): State {
  return withSet(state, set);
}

export function addIntent(state: State, intent: Intent): State {
  return { ...state, pending: [...state.pending.filter((p) => !sameIntent(p, intent)), intent] };
}

export function removeIntent(state: State, intent: Intent): State {
  const pending = state.pending.filter((p) => !sameIntent(p, intent));
  return pending.length === state.pending.length ? state : { ...state, pending };
}

/** Intents are identified by what they would change: the operation, the set and the kid. */
export function sameIntent(a: Intent, b: Intent): boolean {
  return a.op === b.op && a.setId === b.setId && ("kid" in a ? a.kid : null) === ("kid" in b ? b.kid : null);
}

function withSet(state: State, set: ManagedSet): State {
  const sets = new Map(state.sets);
  sets.set(set.setId, set);
  return { ...state, sets };
}
