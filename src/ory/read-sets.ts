import pLimit from "p-limit";
import { DEFAULT_PARALLELISM } from "../cli/options.js";
import type { KeyStore, LiveSet } from "./key-store.js";

/**
 * Reads many sets with at most `parallelism` requests in flight (one `readSet`, i.e. one GET,
 * per distinct set). The map is keyed by set ID in the order given, duplicates read once.
 *
 * On the first failure no further read is started; the reads in flight finish, then the
 * promise rejects with the error of the earliest failed set in input order (deterministic
 * whichever finished first). Every failure is an `OryError` from the store.
 */
export async function readSets(
  store: KeyStore,
  setIds: Iterable<string>,
  parallelism: number = DEFAULT_PARALLELISM,
): Promise<Map<string, LiveSet>> {
  const ids = [...new Set(setIds)];
  const limit = pLimit(Math.max(1, Math.floor(parallelism)));
  let failed = false;
  const outcomes = await Promise.all(
    ids.map((setId) =>
      limit(async (): Promise<{ ok: true; set: LiveSet } | { ok: false; error: unknown } | null> => {
        if (failed) return null;
        try {
          return { ok: true, set: await store.readSet(setId) };
        } catch (error) {
          failed = true;
          return { ok: false, error };
        }
      }),
    ),
  );
  const result = new Map<string, LiveSet>();
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome === null) continue;
    if (!outcome.ok) throw outcome.error;
    result.set(ids[i] ?? outcome.set.setId, outcome.set);
  }
  return result;
}
