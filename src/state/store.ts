import { randomUUID } from "node:crypto";
import { access } from "node:fs/promises";
import { FileError, InternalError, StateError } from "../errors.js";
import { KEYSYNC_VERSION } from "../version.js";
import { writeFileAtomic } from "./atomic-write.js";
import { newState, parseState, serializeState, withoutSerial } from "./codec.js";
import { describeFsError } from "../fs/describe-fs-error.js";
import { readRegularFile } from "../fs/read-regular-file.js";
import { realPathOf } from "../fs/real-path.js";
import { removeOrphanTemps } from "./temp-files.js";
import type { State } from "./types.js";

/** Suffix of the copy of the state as it was before a run's first write (Terraform's `.backup`). */
export const BACKUP_SUFFIX = ".backup";

/**
 * State files larger than this are refused unread. The largest state the benchmarks make (10,000
 * sets, as many as a spec under its 1 MiB cap can declare, 2 keys each) is 5.5 MiB; with 3 keys
 * and 255-character IDs it is 17 MiB. 64 MiB is also the cap on saved plans, which hold more
 * per key than the state does.
 */
export const MAX_STATE_FILE_BYTES = 64 * 1024 * 1024;

/** Waiter for a queued `update`: settled once a write holding its change is on disk (or failed). */
interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The state file of one run (Terraform's statemgr.Filesystem, with an atomic write). Holds the
 * current `State` in memory and makes every change durable before telling the caller it is.
 *
 * Callers that write must hold the state lock (lock.ts) from before `open` until their last
 * `update` settles: the store does not re-read the file, so two writers would overwrite each
 * other. Readers need no lock: every write is an atomic rename, so a reader sees a whole file.
 *
 * Guarantees, whatever happens to the process (crash, `kill -9`):
 * - The file at the state path is always a whole, parseable state: the one before a write or
 *   the one after. A kill may leave an orphan `<state>.tmp-…` file, removed by the next `open`.
 * - `lineage` never changes; `serial` grows by one per write, and a write happens only when the
 *   content (everything but `serial` and `keysync_version`) differs from the file's.
 * - A file keysync cannot read (corrupt, wrong shape, newer version) is refused by `open` and
 *   never written to, not even by a later run of the same command.
 * - Before the first write of the run, the file as it was read at `open` is copied byte for byte
 *   to `<state>.backup` (atomically, 0600). The backup is the snapshot read at the start of the
 *   run, not the previous write: one backup per run, as Terraform does, so it is the last state
 *   a human saw before this run changed anything.
 * - Every file written is mode 0600 whatever the umask.
 */
export class StateStore {
  #state: State;
  /**
   * Serial and content (canonical text without the serial) of what is on disk; null if none.
   * The content of the file read at `open` is worked out at the first write (`#opened`), so a
   * run that never writes (plan) never serializes the state.
   */
  #diskSerial: number;
  #diskContent: string | null | undefined;
  readonly #opened: State;
  /** The bytes read at open, until they are safely in the backup. */
  #unbackedUp: Uint8Array | null;
  #queue: Waiter[] = [];
  #writing = false;
  #writes = 0;

  private constructor(
    /** Where writes go: the real file behind the path given (a symlink stays a symlink). */
    private readonly path: string,
    private readonly display: string,
    state: State,
    original: Uint8Array | null,
  ) {
    this.#state = state;
    this.#diskSerial = state.serial;
    this.#diskContent = original === null ? null : undefined;
    this.#opened = state;
    this.#unbackedUp = original;
    this.exists = original !== null;
  }

  /**
   * Reads the state file at `path` (named `display` in messages), or starts a new state with a
   * fresh lineage when there is no file (no file is created until the first `update`). Removes
   * orphan temp files that dead keysync processes left beside it.
   *
   * Throws `StateError` when the file is not a state keysync can use (the message names the file
   * and the problem; the file is left untouched) and `FileError` when it cannot be read or is not
   * a regular file of at most `MAX_STATE_FILE_BYTES` (a FIFO is refused without waiting on it,
   * a device such as /dev/zero without reading it).
   */
  static async open(path: string, display: string): Promise<StateStore> {
    // The same name the lock is derived from (lock.ts), so the file written is the one locked.
    const target = await realPathOf(path);
    await removeOrphanTemps(target);
    await removeOrphanTemps(target + BACKUP_SUFFIX);
    let read;
    try {
      read = await readRegularFile(target, MAX_STATE_FILE_BYTES, "state files");
    } catch (error: unknown) {
      throw new FileError(`cannot read the state file ${display}: ${describeFsError(error)}`);
    }
    if (read.kind === "absent") return new StateStore(target, display, newState(randomUUID()), null);
    if (read.kind === "refused") {
      throw new FileError(`the state file ${display} ${read.reason}; keysync left it untouched`);
    }
    const { bytes } = read;
    try {
      return new StateStore(target, display, parseState(decodeUtf8(bytes, display), display), bytes);
    } catch (error: unknown) {
      if (!(error instanceof StateError)) throw error;
      const backup = await access(target + BACKUP_SUFFIX).then(
        () => `; ${display}${BACKUP_SUFFIX} holds the state from before the last run that changed it`,
        () => "",
      );
      throw new StateError(`${error.message}. keysync left the file untouched${backup}`);
    }
  }

  /** True when a state file was read at `open`; false for a new state. */
  readonly exists: boolean;

  /** The state with every `update` applied, including those whose write is still in flight. */
  get current(): State {
    return this.#state;
  }

  /** How many times this store has written the state file. For tests and diagnostics. */
  get writes(): number {
    return this.#writes;
  }

  /**
   * Applies `mutate` (a pure function of the current state) at once, then makes the result
   * durable. The returned promise resolves only when a write containing this change is on disk
   * (fsynced and renamed into place), or at once if the content did not change.
   *
   * Calls are serialised and coalesced: at most one write is in flight, and every update that
   * arrives meanwhile is folded into the next write, so N concurrent updates cost far fewer than
   * N writes while each caller still waits for its own change to be durable. Mutations must not
   * change `lineage`; `serial` and `keysyncVersion` belong to the store and are set by it.
   *
   * Rejects with the error `mutate` throws (state unchanged), with `InternalError` for a state
   * that breaks the format's invariants, or with `FileError` when the write fails. After a failed
   * write the change stays in memory and goes out with the next write; callers normally stop.
   */
  async update(mutate: (state: State) => State): Promise<void> {
    // Runs synchronously up to the await: `current` shows the change as soon as this returns.
    const next = mutate(this.#state);
    if (next.lineage !== this.#state.lineage) {
      throw new InternalError("a state update tried to change the lineage");
    }
    this.#state = { ...next, serial: this.#state.serial, keysyncVersion: this.#state.keysyncVersion };
    await new Promise<void>((resolve, reject) => {
      this.#queue.push({ resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /** Writes until no update is waiting. One loop runs at a time (`#writing`). */
  async #drain(): Promise<void> {
    this.#writing = true;
    // Let updates made in the same turn (a burst of resolved requests) join the first write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await this.#persist(this.#state);
          for (const waiter of batch) waiter.resolve();
        } catch (error: unknown) {
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #persist(state: State): Promise<void> {
    const serial = this.#diskSerial + 1;
    const text = serializeState({ ...state, serial, keysyncVersion: KEYSYNC_VERSION });
    const content = withoutSerial(text);
    if (this.#diskContent === undefined) this.#diskContent = contentKey(this.#opened);
    if (content === this.#diskContent) return;
    if (this.#unbackedUp !== null) {
      await this.#write(this.path + BACKUP_SUFFIX, this.#unbackedUp, `${this.display}${BACKUP_SUFFIX}`);
      this.#unbackedUp = null;
    }
    await this.#write(this.path, text, this.display);
    this.#writes += 1;
    this.#diskSerial = serial;
    this.#diskContent = content;
    this.#state = { ...this.#state, serial, keysyncVersion: KEYSYNC_VERSION };
  }

  async #write(path: string, data: string | Uint8Array, display: string): Promise<void> {
    try {
      await writeFileAtomic(path, data);
    } catch (error: unknown) {
      throw new FileError(`cannot write ${display}: ${describeFsError(error)}`);
    }
  }
}

function decodeUtf8(bytes: Uint8Array, display: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new StateError(`${display} is not UTF-8 text; it is corrupt or not a state file`);
  }
}

/** The state's content: its canonical text without the serial, as this keysync would write it. */
function contentKey(state: State): string {
  return withoutSerial(serializeState({ ...state, keysyncVersion: KEYSYNC_VERSION }));
}
