import { PlanError, UsageError } from "../../errors.js";
import { compareIds, ID_RULE, isSafeId } from "../../jwk/key-id.js";
import type { LiveKey } from "../../ory/key-store.js";
import { readSets } from "../../ory/read-sets.js";
import { resolveTarget } from "../../ory/target.js";
import { signerOf } from "../../plan/signer.js";
import { managedKeyOf, replaceSet, withTarget } from "../../state/mutations.js";
import { StateStore } from "../../state/store.js";
import type { ManagedKey, ManagedSet, State } from "../../state/types.js";
import { withStateLock } from "../../state/with-lock.js";
import { lockOptions } from "../lock-options.js";
import type { CommandContext } from "../main.js";
import { parseDuration } from "../options.js";
import { resolvePaths } from "../paths.js";
import type { RemoteOptions } from "../workspace.js";
import { checkStateTarget, openKeyStore } from "../workspace.js";

export interface ImportOptions extends RemoteOptions {
  readonly lockTimeout: string;
}

/**
 * `keysync import SET_ID…` (Terraform's import by ID): reads the live sets and records them in
 * the state as managed. Never writes to Ory. All or nothing: if any set cannot be imported,
 * nothing is written. `-f` is read only to find the default state path, so the target comes
 * from `--target`, `ORY_SDK_URL`, or the state file.
 */
export async function runImport(
  setIds: readonly string[],
  opts: ImportOptions,
  { io }: CommandContext,
): Promise<number> {
  const ids = [...new Set(setIds)];
  const bad = ids.filter((id) => !isSafeId(id));
  if (bad.length > 0)
    throw new UsageError(`${bad.map((id) => JSON.stringify(id)).join(", ")}: a set ID is ${ID_RULE}`);
  const timeoutMs = parseDuration(opts.lockTimeout, "--lock-timeout");
  const paths = resolvePaths(io.cwd, opts.file, opts.state);

  const imported = await withStateLock(
    paths.statePath,
    lockOptions("import", timeoutMs, paths.stateDisplay, io),
    async () => {
      const store = await StateStore.open(paths.statePath, paths.stateDisplay);
      const recorded = store.current.target;
      const target = resolveTarget({
        flag: opts.target,
        env: io.env,
        fallback: recorded === null ? null : { url: recorded, from: "state" },
        insecureHttp: opts.insecureHttp === true,
        insecureTls: opts.insecureTls === true,
      });
      checkStateTarget(store.current, target, paths.stateDisplay);
      const live = await readSets(openKeyStore(target, io), ids, opts.parallelism);

      const problems: string[] = [];
      const sets: { set: ManagedSet; signer: string | null }[] = [];
      for (const id of ids) {
        const set = live.get(id);
        if (set?.exists !== true) {
          problems.push(
            `set ${id} does not exist on ${target.url}; there is nothing to import (keysync creates declared sets itself)`,
          );
          continue;
        }
        const unusable = set.keys.filter((k) => !isSafeId(k.kid));
        if (unusable.length > 0) {
          problems.push(
            `set ${id} holds ${unusable.length === 1 ? "a key whose kid" : "keys whose kids"} keysync cannot address safely (empty, "." or outside ${ID_RULE}); fix the set outside keysync first`,
          );
          continue;
        }
        sets.push({
          set: { setId: id, keys: recordsFor(store.current, id, set.keys) },
          signer: signerOf(set.keys),
        });
      }
      if (problems.length > 0) throw new PlanError([...problems, "nothing was imported"]);

      await store.update((state) => {
        let next = withTarget(state, target.url);
        for (const { set } of sets) next = replaceSet(next, set);
        // An unfinished write recorded for an imported set is moot: the import records what is live.
        return { ...next, pending: next.pending.filter((p) => !ids.includes(p.setId)) };
      });
      return sets;
    },
  );

  for (const { set, signer } of imported) {
    const kids = set.keys.map((k) => k.kid).join(", ");
    io.stdout.write(
      `Imported ${set.setId}: ${set.keys.length} ${set.keys.length === 1 ? "key" : "keys"} (${kids}); signer ${signer ?? "(none)"}.\n`,
    );
  }
  return 0;
}

/**
 * A re-import refreshes the record: a kid already recorded with the same material keeps its
 * origin (a key keysync generated stays `generated`); anything else is `imported`.
 */
function recordsFor(state: State, setId: string, keys: readonly LiveKey[]): ManagedKey[] {
  const previous = new Map((state.sets.get(setId)?.keys ?? []).map((k) => [k.kid, k]));
  return keys
    .map((k) => {
      const before = previous.get(k.kid);
      return managedKeyOf(k, before?.thumbprint === k.thumbprint ? before.origin : "imported");
    })
    .sort((a, b) => compareIds(a.kid, b.kid));
}
