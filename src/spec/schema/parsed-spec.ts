import type { Diagnostic, SourcePosition } from "../../errors.js";

/** Spec files larger than this are refused before parsing (hostile-input guard). */
export const MAX_SPEC_BYTES = 1024 * 1024;

/**
 * How deep maps and lists may nest: one level more than a valid spec uses
 * (`sets` › set › `keys` › key is 5), so a map where a string belongs still gets the schema's
 * precise message, while anything deeper is refused before any other code walks it.
 */
export const MAX_NESTING = 6;

/** A spec that parsed as one plain YAML document; `value` is its JSON form, not yet validated. */
export interface ParsedSpec {
  readonly file: string;
  readonly value: unknown;
  /**
   * Where the node at `path` was written: its map key (`at: "key"`, for unknown fields and set
   * IDs) or its value. When the path leads nowhere (a missing property) the nearest written node
   * on the way is used, so every diagnostic has a real position (see schema/locate.ts).
   */
  readonly locate: (path: readonly string[], at: "key" | "value") => SourcePosition;
}

export type ParseResult =
  | { readonly ok: true; readonly parsed: ParsedSpec }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * 1-based line and column of character offsets in `text`. Counted here rather than with yaml's
 * `LineCounter`, which only learns the line breaks its lexer emits as tokens and so misses
 * those inside multi-line scalars (a stray quote makes the rest of a file one scalar).
 */
export function positionsIn(text: string, file: string): (offset: number) => SourcePosition {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return { file, line: low + 1, column: at - (starts[low] ?? 0) + 1 };
  };
}
