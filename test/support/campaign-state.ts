import { existsSync, readFileSync } from "node:fs";
import { thumbprintOf } from "../../src/jwk/describe-key.js";
import type { RunningServer } from "../../src/server/index.js";
import { parseState } from "../../src/state/codec.js";
import type { State } from "../../src/state/types.js";

/** What the state file says after a run, checked against what Ory holds. */
export interface StateCheck {
  /** False when the file exists but keysync's own parser refuses it (torn or corrupt). */
  readonly parses: boolean;
  /** Live keys the state does not record with their live thumbprint: keys keysync lost track of. */
  readonly orphans: readonly string[];
  /** Intents still pending after a run that exited 0. */
  readonly pending: number;
}

/** Reads the state at `path` with keysync's own parser; null when it does not parse. */
export function readState(path: string): State | null {
  try {
    return parseState(readFileSync(path, "utf8"), path);
  } catch {
    return null;
  }
}

/**
 * Checks the state file against the live sets: it parses, and every key live in `setIds` is
 * recorded in it under its kid with its thumbprint (no orphan): RFC 7638, or for a symmetric key
 * keysync's salted fingerprint (describe-key.ts), which the state holds instead.
 */
export async function checkState(
  path: string,
  server: RunningServer,
  setIds: readonly string[],
): Promise<StateCheck> {
  if (!existsSync(path)) {
    const live: string[] = [];
    for (const id of setIds) live.push(...(await server.keys(id)).map((k) => `${id}/${String(k.kid)}`));
    return { parses: true, orphans: live, pending: 0 };
  }
  const state = readState(path);
  if (state === null) return { parses: false, orphans: [], pending: 0 };
  const orphans: string[] = [];
  for (const setId of setIds) {
    const recorded = new Map((state.sets.get(setId)?.keys ?? []).map((k) => [k.kid, k.thumbprint]));
    for (const jwk of await server.keys(setId)) {
      const kid = String(jwk.kid);
      if (recorded.get(kid) !== thumbprintOf(jwk)) orphans.push(`${setId}/${kid}`);
    }
  }
  return { parses: true, orphans, pending: state.pending.length };
}
