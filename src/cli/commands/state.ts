import { StateError, UsageError } from "../../errors.js";
import { forgetSets } from "../../state/forget-sets.js";
import { hidesThumbprint } from "../../jwk/describe-key.js";
import { ID_RULE, isSafeId } from "../../jwk/key-id.js";
import { StateStore } from "../../state/store.js";
import type { ManagedKey } from "../../state/types.js";
import { withStateLock } from "../../state/with-lock.js";
import { lockOptions } from "../lock-options.js";
import type { CommandContext } from "../main.js";
import { parseDuration } from "../options.js";
import { resolvePaths } from "../paths.js";

/** `-f` is read only to find the default state path beside it. */
export interface StateFileOptions {
  readonly file: string;
  readonly state?: string | undefined;
}

export interface StateRmOptions extends StateFileOptions {
  readonly lockTimeout: string;
}

/** `keysync state list`: one managed set ID per line, sorted; nothing for an absent state. */
export async function runStateList(opts: StateFileOptions, { io }: CommandContext): Promise<number> {
  const { statePath, stateDisplay } = resolvePaths(io.cwd, opts.file, opts.state);
  const store = await StateStore.open(statePath, stateDisplay);
  for (const setId of store.current.sets.keys()) io.stdout.write(`${setId}\n`);
  return 0;
}

const COLUMNS = ["KID", "KTY", "ALG", "USE", "ORIGIN", "THUMBPRINT"] as const;

/** `keysync state show SET_ID`: the managed set's keys as an aligned table. */
export async function runStateShow(
  setId: string,
  opts: StateFileOptions,
  { io }: CommandContext,
): Promise<number> {
  const { statePath, stateDisplay } = resolvePaths(io.cwd, opts.file, opts.state);
  checkIds([setId]);
  const store = await StateStore.open(statePath, stateDisplay);
  const set = store.current.sets.get(setId);
  if (set === undefined) throw notManaged([setId], stateDisplay, store.exists, "");
  const rows = [[...COLUMNS], ...set.keys.map(keyRow)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  for (const row of rows) {
    const cells = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)));
    io.stdout.write(`${cells.join("  ")}\n`);
  }
  return 0;
}

/**
 * `keysync state rm SET_ID…`: forgets sets under the state lock, never asking Ory. All or
 * nothing: any ID that is not managed fails the command before anything is written.
 */
export async function runStateRm(
  setIds: readonly string[],
  opts: StateRmOptions,
  { io }: CommandContext,
): Promise<number> {
  const { statePath, stateDisplay } = resolvePaths(io.cwd, opts.file, opts.state);
  const timeoutMs = parseDuration(opts.lockTimeout, "--lock-timeout");
  const ids = [...new Set(setIds)];
  checkIds(ids);
  await withStateLock(statePath, lockOptions("state rm", timeoutMs, stateDisplay, io), async () => {
    const store = await StateStore.open(statePath, stateDisplay);
    const unknown = ids.filter((id) => !store.current.sets.has(id));
    if (unknown.length > 0) throw notManaged(unknown, stateDisplay, store.exists, "; nothing was changed");
    await store.update((state) => forgetSets(state, ids));
  });
  for (const id of ids) io.stdout.write(`Removed ${id} from state.\n`);
  return 0;
}

function keyRow(key: ManagedKey): string[] {
  const thumbprint = hidesThumbprint(key.kty) ? "(symmetric: not shown)" : key.thumbprint;
  return [key.kid, key.kty, key.alg ?? "-", key.use ?? "-", key.origin, thumbprint];
}

function checkIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !isSafeId(id));
  if (bad.length > 0) {
    throw new UsageError(`${bad.map((id) => JSON.stringify(id)).join(", ")}: a set ID is ${ID_RULE}`);
  }
}

function notManaged(ids: readonly string[], display: string, exists: boolean, tail: string): StateError {
  const what = ids.length === 1 ? `set ${ids[0] ?? ""} is` : `sets ${ids.join(", ")} are`;
  const why = exists ? "" : ` (${display} does not exist yet)`;
  return new StateError(`${what} not managed by ${display}${why}${tail}`);
}
