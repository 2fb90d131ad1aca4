/**
 * Escaping for the Markdown keysync posts to pull requests and job summaries. Set IDs, kids,
 * messages and the target URL come from users (the ID charset alone allows `:` `.` `_` `-`), so
 * nothing user-controlled is ever interpolated raw: identifiers go in code spans, prose is
 * backslash-escaped, and the hidden marker is encoded so it cannot close its HTML comment.
 */

import { escapeUnsafeInline } from "../text/unsafe-characters.js";

const LINE_BREAKS = /\r\n|\r|\n|\u2028|\u2029/g;

/** Line breaks become spaces; every other control or bidi character becomes its `\uXXXX` escape. */
function flatten(text: string): string {
  return escapeUnsafeInline(text.replace(LINE_BREAKS, " "));
}

/**
 * An inline code span holding `text` verbatim, whatever it contains. The fence is one backtick
 * longer than the longest run inside (CommonMark's rule); a leading or trailing backtick or space
 * is padded so it is not eaten. Line breaks become spaces: a span never spans lines here.
 * In a table cell pass `inTable`: GFM splits cells on `|` even inside code spans.
 */
export function codeSpan(text: string, inTable = false): string {
  let body = flatten(text);
  if (inTable) body = body.replaceAll("|", "\\|");
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || /^ .* $/.test(body) ? " " : "";
  return body === "" ? "` `" : `${fence}${pad}${body}${pad}${fence}`;
}

/** ASCII punctuation that can start inline markup, HTML or a table cell boundary anywhere. */
const INLINE_SPECIALS = /[\\`*_[\]<>|~&]/g;

/**
 * Prose made inert: every character that could open emphasis, a link, a code span, HTML, an
 * entity or a table cell is backslash-escaped (CommonMark allows escaping any ASCII punctuation),
 * and a block marker at the start (`#`, `>`, `-`, `+`, `=`, `1.`) is escaped so a message cannot
 * become a heading, quote or nested list. Line breaks become spaces.
 */
export function escapeText(text: string): string {
  const flat = flatten(text).replace(INLINE_SPECIALS, (c) => `\\${c}`);
  return flat.replace(/^(\s*)([#>+=-])/, "$1\\$2").replace(/^(\s*\d+)([.)])/, "$1\\$2");
}

/**
 * Text safe inside raw HTML (the `<summary>` of a `<details>` block): `&`, `<` and `>` as
 * entities, line breaks as spaces.
 */
export function escapeHtml(text: string): string {
  return flatten(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * A value for the hidden marker comment (`<!-- keysync:plan target=VALUE -->`): every character
 * outside the URL set `A-Z a-z 0-9 - . _ ~ : / ? # [ ] @ ! $ & ' ( ) * + , ; =` is percent-encoded
 * as UTF-8 (so `%`, white space, `<`, `>` and backticks are), and so is the second `-` of any
 * `--`: the value is one token and can never end the comment. Workflows find the comment by the
 * marker line keysync printed, so this encoding never needs to be reversed.
 */
export function markerValue(text: string): string {
  let out = text.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/gu, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
  while (out.includes("--")) out = out.replaceAll("--", "-%2D");
  return out;
}

/** Shortens `text` to at most `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
