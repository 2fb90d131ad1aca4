import type { SourcePosition } from "../../errors.js";
import type { ParsedSpec } from "./parsed-spec.js";
import { MAX_NESTING, positionsIn } from "./parsed-spec.js";

/**
 * A fast path for the way specs are normally written: plain block YAML. The `yaml` package
 * parses about 0.5 MB/s and holds ~150 bytes per byte of input while it does; a 1,000-set spec
 * took most of `keysync validate`'s time. This reads the common subset of YAML line by line and
 * gives exactly what `parseSpecYaml` would (the same value, and every node at the same
 * position), or null when the text uses anything outside the subset, which then goes to
 * `parseSpecYaml` as before. Tests compare the two on generated and mutated specs.
 *
 * The subset, chosen so that every text in it is YAML 1.2 that `parseSpecYaml` accepts without
 * an error, warning or hostile node (anything else returns null):
 * - lines end in LF or CRLF; no tab, no other control character;
 * - blank lines and `#` comments anywhere (a comment after a value needs a space before `#`);
 * - block maps (`key: value` or `key:` with a nested block) and block lists (`- item`, and a
 *   list may sit at its parent key's indentation), the document's root at column 0, nested at
 *   most `MAX_NESTING` deep;
 * - keys: strings, plain or quoted (see scalars), at most 1,000 characters, unique within their
 *   map, none of `__proto__`, `constructor`, `prototype` or `<<`;
 * - scalars on one line: plain ones of `A-Z a-z 0-9 _` followed by `A-Z a-z 0-9 _ . : / -` (not
 *   ending in `:`), resolved as YAML 1.2's core schema does: a string unless it is a decimal
 *   integer (then a number), and anything else the core schema would read as null, a boolean or
 *   another number is out; single- or double-quoted ones of printable ASCII without escapes;
 * - no empty values, anchors, aliases, tags, directives, document markers, flow collections,
 *   block scalars (`|`, `>`), multi-line scalars, explicit keys (`?`) or list-in-list (`- -`).
 *
 * Never throws; linear in the length of the text.
 */
export function parsePlainSpec(source: string, file: string): ParsedSpec | null {
  let root: Parsed;
  try {
    root = new PlainReader(source).document();
  } catch (error: unknown) {
    if (error === NOT_PLAIN) return null;
    // A bug here must not break checking: the general parser still gives the right answer.
    return null;
  }
  const positionAt = positionsIn(source, file);
  return {
    file,
    value: root.value,
    locate: (path, at) => locatePlain(root.node, positionAt, path, at),
  };
}

/** Where a node starts: the offset yaml's node would have as `range[0]`. */
type PlainNode = PlainScalar | PlainMap | PlainSeq;

interface PlainScalar {
  readonly kind: "scalar";
  readonly offset: number;
}

interface PlainMap {
  readonly kind: "map";
  /** The first key (yaml's block map starts there, after any comment lines). */
  readonly offset: number;
  readonly pairs: ReadonlyMap<string, PlainPair>;
}

interface PlainSeq {
  readonly kind: "seq";
  /** The first `-`. */
  readonly offset: number;
  readonly items: readonly PlainNode[];
}

interface PlainPair {
  readonly keyOffset: number;
  readonly node: PlainNode;
}

interface Parsed {
  readonly node: PlainNode;
  readonly value: unknown;
}

/** Thrown (one instance, so no stack is captured each time) and caught in `parsePlainSpec` when the text leaves the subset. */
const NOT_PLAIN = new Error("not plain block YAML");

/** Keys the hostile-node walk refuses; here they send the text to the general parser. */
const REFUSED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype", "<<"]);
/** yaml refuses implicit keys longer than 1024 characters. */
const MAX_KEY_LENGTH = 1000;

/** YAML 1.2 core schema: plain scalars that are not strings (yaml/dist/schema/core, common/null). */
const CORE_NON_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** The integers the subset reads as numbers (exactly, as the core schema would). */
const SAFE_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;

function mayBeNonString(first: number): boolean {
  return (first >= 0x30 && first <= 0x39) || "nNtTfF".includes(String.fromCharCode(first));
}

/** `A-Z a-z 0-9 _`: how a plain scalar may start. */
function isPlainStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** `A-Z a-z 0-9 _ . : / -`: what may follow in a plain scalar. */
function isPlainRest(c: number): boolean {
  return isPlainStart(c) || c === 0x2e || c === COLON || c === 0x2f || c === DASH;
}

/** One content line: not blank, not only a comment. Offsets into the source. */
interface Line {
  /** Column of the first non-space character (0-based). */
  readonly indent: number;
  /** Offset of the first non-space character. */
  readonly start: number;
  /** Offset just past the line's last character (before CR LF or LF). */
  readonly end: number;
  /** True for `- …` lines. */
  readonly item: boolean;
}

class PlainReader {
  readonly #src: string;
  /** Offset of the next line to read. */
  #next = 0;
  /** The current content line; null at the end of the text. */
  #line: Line | null = null;

  constructor(source: string) {
    this.#src = source;
    this.#advance();
  }

  document(): Parsed {
    const line = this.#line;
    if (line?.indent !== 0) throw NOT_PLAIN;
    const root = line.item ? this.#seq(0, 1, false) : this.#map(0, 1, line.start);
    if (this.#line !== null) throw NOT_PLAIN;
    return root;
  }

  /** Moves to the next content line, checking every character of the lines passed over. */
  #advance(): void {
    const src = this.#src;
    while (this.#next < src.length) {
      const lineStart = this.#next;
      let newline = src.indexOf("\n", lineStart);
      if (newline === -1) newline = src.length;
      this.#next = newline + 1;
      let end = newline;
      if (end > lineStart && src.charCodeAt(end - 1) === 0x0d) end -= 1;
      let first = -1;
      for (let i = lineStart; i < end; i++) {
        const c = src.charCodeAt(i);
        // Tabs, CR inside a line, other C0 controls and DEL are all out of the subset.
        if (c < SPACE || c === 0x7f) throw NOT_PLAIN;
        if (first === -1 && c !== SPACE) first = i;
      }
      if (first === -1 || src.charCodeAt(first) === HASH) continue;
      const item = src.charCodeAt(first) === DASH;
      if (item && !(first + 1 < end && src.charCodeAt(first + 1) === SPACE)) throw NOT_PLAIN;
      this.#line = { indent: first - lineStart, start: first, end, item };
      return;
    }
    this.#line = null;
  }

  /**
   * A block map whose keys sit at column `indent`. Its first entry starts at `first` on the
   * current line (after `- ` for a map inside a list item); the others are lines of their own.
   */
  #map(indent: number, depth: number, first: number): Parsed {
    if (depth > MAX_NESTING) throw NOT_PLAIN;
    const pairs = new Map<string, PlainPair>();
    const value: Record<string, unknown> = {};
    let start = first;
    for (;;) {
      const line = this.#line;
      if (line === null) throw NOT_PLAIN;
      const key = this.#scalar(start, line.end);
      if (typeof key.value !== "string") throw NOT_PLAIN;
      if (key.value.length > MAX_KEY_LENGTH || REFUSED_KEYS.has(key.value) || pairs.has(key.value)) {
        throw NOT_PLAIN;
      }
      let at = key.next;
      if (this.#src.charCodeAt(at) !== COLON) throw NOT_PLAIN;
      at += 1;
      let entry: Parsed;
      if (at < line.end && this.#src.charCodeAt(at) !== SPACE) throw NOT_PLAIN;
      at = this.#skipSpaces(at, line.end);
      if (at === line.end || this.#src.charCodeAt(at) === HASH) {
        this.#advance();
        entry = this.#nested(indent, depth);
      } else {
        const scalar = this.#scalar(at, line.end);
        this.#lineEnd(scalar.next, line.end);
        entry = { node: { kind: "scalar", offset: at }, value: scalar.value };
        this.#advance();
      }
      pairs.set(key.value, { keyOffset: start, node: entry.node });
      value[key.value] = entry.value;

      const next = this.#line;
      if (next === null || next.indent < indent) break;
      if (next.indent > indent || next.item) throw NOT_PLAIN;
      start = next.start;
    }
    return { node: { kind: "map", offset: first, pairs }, value };
  }

  /** The block under a `key:` at column `keyIndent`: deeper, or a list at the same column. */
  #nested(keyIndent: number, depth: number): Parsed {
    const line = this.#line;
    if (line === null) throw NOT_PLAIN;
    if (line.indent > keyIndent) {
      return line.item
        ? this.#seq(line.indent, depth + 1, false)
        : this.#map(line.indent, depth + 1, line.start);
    }
    if (line.indent === keyIndent && line.item) return this.#seq(keyIndent, depth + 1, true);
    throw NOT_PLAIN;
  }

  /**
   * A block list whose `-` sit at column `indent`. `compact`: it sits at its parent key's column,
   * so a key line at that column ends it rather than being out of place.
   */
  #seq(indent: number, depth: number, compact: boolean): Parsed {
    if (depth > MAX_NESTING) throw NOT_PLAIN;
    const items: PlainNode[] = [];
    const value: unknown[] = [];
    const offset = this.#line?.start ?? 0;
    for (;;) {
      const line = this.#line;
      if (line === null) throw NOT_PLAIN;
      const at = this.#skipSpaces(line.start + 1, line.end);
      if (at === line.end) throw NOT_PLAIN;
      const c = this.#src.charCodeAt(at);
      if (c === DASH || c === HASH) throw NOT_PLAIN;
      const content = this.#scalar(at, line.end);
      const rest = this.#skipSpaces(content.next, line.end);
      if (rest < line.end && this.#src.charCodeAt(rest) === COLON && rest === content.next) {
        // `- key: …`: a map whose keys sit at the column of this first key.
        const item = this.#map(at - (line.start - line.indent), depth + 1, at);
        items.push(item.node);
        value.push(item.value);
      } else {
        this.#lineEnd(content.next, line.end);
        items.push({ kind: "scalar", offset: at });
        value.push(content.value);
        this.#advance();
      }

      const next = this.#line;
      if (next === null || next.indent < indent) break;
      if (next.indent > indent) throw NOT_PLAIN;
      if (!next.item) {
        if (compact) break;
        throw NOT_PLAIN;
      }
    }
    return { node: { kind: "seq", offset, items }, value };
  }

  /** A one-line scalar starting at `at`: its value and the offset just after it. */
  #scalar(at: number, end: number): { value: string | number; next: number } {
    const src = this.#src;
    const c = src.charCodeAt(at);
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      for (let i = at + 1; i < end; i++) {
        const d = src.charCodeAt(i);
        if (d === c) {
          // `''` inside single quotes is an escaped quote: out of the subset.
          if (i + 1 < end && src.charCodeAt(i + 1) === c) throw NOT_PLAIN;
          return { value: src.slice(at + 1, i), next: i + 1 };
        }
        if (d > 0x7e || d === BACKSLASH) throw NOT_PLAIN;
      }
      throw NOT_PLAIN;
    }
    if (!isPlainStart(c)) throw NOT_PLAIN;
    let i = at + 1;
    while (i < end) {
      const d = src.charCodeAt(i);
      if (!isPlainRest(d)) break;
      // `: ` or `:` at the end of the line ends the scalar (it is a key).
      if (d === COLON && (i + 1 === end || src.charCodeAt(i + 1) === SPACE)) break;
      i += 1;
    }
    const text = src.slice(at, i);
    // The core schema's non-strings start with a digit, n/N (null) or t/T/f/F (booleans) here.
    if (mayBeNonString(c) && CORE_NON_STRING.some((re) => re.test(text))) {
      if (!SAFE_INTEGER.test(text)) throw NOT_PLAIN;
      return { value: Number(text), next: i };
    }
    return { value: text, next: i };
  }

  /** After a value: only spaces, then the end of the line or a ` #` comment. */
  #lineEnd(at: number, end: number): void {
    const rest = this.#skipSpaces(at, end);
    if (rest === end) return;
    if (rest > at && this.#src.charCodeAt(rest) === HASH) return;
    throw NOT_PLAIN;
  }

  #skipSpaces(at: number, end: number): number {
    let i = at;
    while (i < end && this.#src.charCodeAt(i) === SPACE) i += 1;
    return i;
  }
}

/** locate.ts's walk over a plain tree, where every node is written (none is empty). */
function locatePlain(
  root: PlainNode,
  positionAt: (offset: number) => SourcePosition,
  path: readonly string[],
  at: "key" | "value",
): SourcePosition {
  let node = root;
  let keyOffset: number | null = null;
  let reached = true;
  for (const segment of path) {
    let next: { keyOffset: number | null; node: PlainNode } | undefined;
    if (node.kind === "map") {
      const pair = node.pairs.get(segment);
      next = pair === undefined ? undefined : { keyOffset: pair.keyOffset, node: pair.node };
    } else if (node.kind === "seq" && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)];
      next = item === undefined ? undefined : { keyOffset: null, node: item };
    }
    if (next === undefined) {
      reached = false;
      break;
    }
    node = next.node;
    keyOffset = next.keyOffset;
  }
  if (reached && at === "key" && keyOffset !== null) return positionAt(keyOffset);
  return positionAt(node.offset);
}
