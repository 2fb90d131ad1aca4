import type { State } from "./types.js";

/**
 * `keysync state rm`: the state without `setIds`, and without the pending intents that name
 * them (an unfinished write to a set keysync no longer manages must not be settled into it
 * later). Touches nothing else; Ory is never asked. IDs not in the state are ignored here: the
 * command refuses them before calling this.
 */
export function forgetSets(state: State, setIds: readonly string[]): State {
  const forget = new Set(setIds);
  return {
    ...state,
    sets: new Map([...state.sets].filter(([setId]) => !forget.has(setId))),
    pending: state.pending.filter((intent) => !forget.has(intent.setId)),
  };
}
