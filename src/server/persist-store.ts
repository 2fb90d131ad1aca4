import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { StoreSnapshot, StoredKey } from "./jwk-store.js";
import { ServeError } from "./serve-error.js";

/** Marks the data file's layout; bump it when the layout changes. */
const FORMAT = "keysync-serve/1";

/**
 * Reads `--data FILE`: null when it does not exist yet. A file that exists but is not ours is
 * refused, never overwritten. The file holds private keys (that is its job), so it is written
 * with mode 0600 and errors never quote its content.
 */
export async function loadSnapshot(file: string): Promise<StoreSnapshot | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ServeError(
      `cannot read the data file ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ServeError(`the data file ${file} is not valid JSON; move it away or pick another --data file`);
  }
  const snapshot = asSnapshot(data);
  if (snapshot === null) {
    throw new ServeError(
      `the data file ${file} is not a keysync serve data file (expected format "${FORMAT}")`,
    );
  }
  return snapshot;
}

function asSnapshot(data: unknown): StoreSnapshot | null {
  if (!isRecord(data) || data["format"] !== FORMAT || !isCount(data["counter"]) || !isRecord(data["sets"])) {
    return null;
  }
  const sets: [string, StoredKey[]][] = [];
  for (const [setId, keys] of Object.entries(data["sets"])) {
    if (!Array.isArray(keys)) return null;
    const rows: StoredKey[] = [];
    for (const row of keys as unknown[]) {
      if (
        !isRecord(row) ||
        !isCount(row["seq"]) ||
        !isRecord(row["jwk"]) ||
        typeof row["jwk"]["kty"] !== "string"
      ) {
        return null;
      }
      rows.push({ seq: row["seq"], jwk: row["jwk"] as StoredKey["jwk"] });
    }
    sets.push([setId, rows.sort((a, b) => a.seq - b.seq)]);
  }
  return { counter: data["counter"], sets: Object.fromEntries(sets) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Saves snapshots one after another, each atomically: temp file in the same directory (mode
 * 0600), fsync, rename over the target, fsync the directory. A reader — or a restart after a
 * crash — sees the old file or the new one, never a torn one.
 */
export class SnapshotWriter {
  readonly #file: string;
  #queue: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  /** Resolves once this snapshot (and every earlier one) is on disk. */
  save(snapshot: StoreSnapshot): Promise<void> {
    const text = `${JSON.stringify({ format: FORMAT, counter: snapshot.counter, sets: snapshot.sets }, null, 2)}\n`;
    const next = this.#queue.then(() => writeAtomically(this.#file, text));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every queued write has finished (successfully or not). */
  idle(): Promise<void> {
    return this.#queue;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error: unknown) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const dirHandle = await open(dir, "r").catch(() => null);
  if (dirHandle !== null) {
    // Some file systems refuse fsync on a directory; the rename is done either way.
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close();
  }
}
