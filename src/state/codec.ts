import { assertNever, InternalError, StateError } from "../errors.js";
import { compareIds } from "../jwk/key-id.js";
import { KEYSYNC_VERSION } from "../version.js";
import { decodeSet, decodeState } from "./decode-state.js";
import { STATE_VERSION } from "./types.js";
import type { Intent, ManagedKey, ManagedSet, State } from "./types.js";

/*
 * The state file's bytes, and nothing else: no file system, no clock, no randomness (the lineage
 * of a new state is passed in). Terraform's statefile/statemgr split: store.ts does the I/O.
 *
 * On disk (version 1): snake_case fields in a fixed order, 2-space indent, a trailing newline,
 * sets sorted by ID and keys by kid (code-unit order), pending intents in the order recorded.
 */

/** A state that has never been written: serial 0, nothing managed, no target yet. */
export function newState(lineage: string): State {
  return { lineage, serial: 0, keysyncVersion: KEYSYNC_VERSION, target: null, sets: new Map(), pending: [] };
}

/**
 * Parses and validates a state file's text. `display` is how the file is named in messages.
 *
 * Throws `StateError` (and nothing else) for anything that is not a valid version-1 state: text
 * that is not JSON (the message gives a line and column, never the text: V8's own JSON.parse
 * message quotes its input), a wrong shape (naming the field), an unknown intent `op`, an invalid
 * set ID or kid, a missing `version`, or a version from a newer keysync ("upgrade keysync").
 */
export function parseState(text: string, display: string): State {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw new StateError(`${display} ${describeJsonError(text, error)}; it is corrupt or not a state file`);
  }
  return decodeState(doc, display);
}

/**
 * The canonical text of `state`: equal states give equal bytes, and `parseState` reads it back
 * as an equal state. Throws `InternalError` if `state` breaks an invariant the parser would
 * refuse (an invalid ID, a duplicate kid, a set filed under another set's ID), so keysync can
 * never write a file it would later refuse to read.
 *
 * States are immutable and an update replaces only the sets it changes, so each set's checked
 * and laid-out text is kept per set object: a write during apply re-checks the sets that changed,
 * not all of them (the text is the same as `JSON.stringify(doc, null, 2)` of the whole state).
 */
export function serializeState(state: State): string {
  for (const [setId, set] of state.sets) {
    if (set.setId !== setId) throw new InternalError(`a set is filed under the ID of another set`);
  }
  const text = JSON.stringify(encodeState(validated({ ...state, sets: new Map() })), null, 2);
  if (state.sets.size === 0) return `${text}\n`;
  // Sets in ID order (as decodeState sorts them), laid out by hand: objects would list
  // array-index keys ("9", "10") first whatever the order. They go where the empty
  // placeholder stands.
  const entries = [...state.sets]
    .sort((a, b) => compareIds(a[0], b[0]))
    .map(([setId, set]) => setText(setId, set));
  const at = text.indexOf(SETS_PLACEHOLDER);
  return `${text.slice(0, at)}\n  "sets": {\n${entries.join(",\n")}\n  }${text.slice(at + SETS_PLACEHOLDER.length)}\n`;
}

/** How `JSON.stringify(…, null, 2)` writes the empty `sets` of the header (never earlier in it: strings have no raw newline). */
const SETS_PLACEHOLDER = '\n  "sets": {}';

/** Each set's entry in the canonical text (`    "ID": {…}`), by set object. */
const setTexts = new WeakMap<ManagedSet, string>();

function setText(setId: string, set: ManagedSet): string {
  let text = setTexts.get(set);
  if (text === undefined) {
    let valid: ManagedSet;
    try {
      valid = decodeSet(setId, { keys: set.keys.map(encodeKey) }, TO_BE_WRITTEN);
    } catch (error: unknown) {
      if (error instanceof StateError)
        throw new InternalError(`refusing to write an invalid state: ${error.message}`);
      throw error;
    }
    text = `    ${JSON.stringify(setId)}: ${indent(JSON.stringify({ keys: valid.keys.map(encodeKey) }, null, 2), 4)}`;
    setTexts.set(set, text);
  }
  return text;
}

const TO_BE_WRITTEN = "the state to be written";

/**
 * The canonical text without its `serial` line: equal for two writes of the same content. Only
 * for text from `serializeState`, whose third line is always the top-level serial.
 */
export function withoutSerial(text: string): string {
  return text.replace(/\n {2}"serial": \d+,\n/, "\n");
}

/** Runs the parser's checks over `state` (via its on-disk shape) and returns it sorted. */
function validated(state: State): State {
  try {
    return decodeState(encodeState(state), TO_BE_WRITTEN);
  } catch (error: unknown) {
    if (error instanceof StateError)
      throw new InternalError(`refusing to write an invalid state: ${error.message}`);
    throw error;
  }
}

/** The on-disk document, fields in file order. Sets and keys stay in `state`'s order. */
function encodeState(
  state: State,
): { readonly sets: Readonly<Record<string, unknown>> } & Record<string, unknown> {
  return {
    version: STATE_VERSION,
    lineage: state.lineage,
    serial: state.serial,
    keysync_version: state.keysyncVersion,
    target: state.target,
    // fromEntries defines own properties, so even a "__proto__" ID is kept (and then refused).
    sets: Object.fromEntries(
      [...state.sets].map(([setId, set]) => [setId, { keys: set.keys.map(encodeKey) }]),
    ),
    pending: state.pending.map(encodeIntent),
  };
}

function encodeKey(key: ManagedKey): Record<string, unknown> {
  return {
    kid: key.kid,
    kty: key.kty,
    alg: key.alg,
    use: key.use,
    thumbprint: key.thumbprint,
    origin: key.origin,
    has_private: key.hasPrivate,
  };
}

function encodeIntent(intent: Intent): Record<string, unknown> {
  switch (intent.op) {
    case "generate-key":
      return { op: intent.op, set: intent.setId, kid: intent.kid, alg: intent.alg, use: intent.use };
    case "put-key":
      return {
        op: intent.op,
        set: intent.setId,
        kid: intent.kid,
        kty: intent.kty,
        alg: intent.alg,
        use: intent.use,
        thumbprint: intent.thumbprint,
        has_private: intent.hasPrivate,
      };
    case "delete-key":
      return { op: intent.op, set: intent.setId, kid: intent.kid };
    case "delete-set":
      return { op: intent.op, set: intent.setId };
    default:
      return assertNever(intent, "intent");
  }
}

/** Indents every line but the first, to nest `JSON.stringify(v, null, 2)` output. */
function indent(text: string, spaces: number): string {
  return text.replaceAll("\n", `\n${" ".repeat(spaces)}`);
}

/** Where JSON.parse gave up, from the numbers in its message only (the rest quotes the input). */
function describeJsonError(text: string, error: unknown): string {
  if (text.trim() === "") return "is empty";
  const message = error instanceof Error ? error.message : "";
  if (error instanceof RangeError) return "is nested too deeply to be read";
  const position = /at position (\d+)/.exec(message)?.[1];
  if (message.includes("end of JSON input") || (position !== undefined && Number(position) >= text.length)) {
    return "is not valid JSON: it ends too early (truncated?)";
  }
  if (position === undefined) return "is not valid JSON";
  const before = text.slice(0, Number(position)).split("\n");
  return `is not valid JSON (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
