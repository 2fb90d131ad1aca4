import { codeFence } from "./diff-lines.js";
import { escapeHtml } from "./markdown-escape.js";

/**
 * A Markdown document in parts that know how to shrink, so a renderer can keep it under a size
 * cap without ever cutting through the middle of a construct: the `<details>` body loses lines
 * first, then every list and table keeps only its first items (with an "… and N more" line),
 * and the head (marker, title, counts line) is never cut.
 */
export interface MarkdownDocument {
  /** Never cut: the marker, the title and the counts line. */
  readonly head: readonly string[];
  readonly blocks: readonly Block[];
  /** The body of the `<details>` code block, or null for none. */
  readonly details: Details | null;
}

export type Block =
  | { readonly kind: "text"; readonly text: string }
  /** `title` (if any) then one line per item, each prefixed with `bullet`. */
  | {
      readonly kind: "list";
      readonly title: string | null;
      readonly bullet: string;
      readonly items: readonly string[];
    }
  /** A GFM table: `header` is the header and delimiter rows. */
  | {
      readonly kind: "table";
      readonly title: string;
      readonly header: string;
      readonly rows: readonly string[];
      readonly noun: string;
    }
  /** Blocks rendered as one, without blank lines between them (a list of lists). */
  | { readonly kind: "group"; readonly parts: readonly Block[] };

export interface Details {
  /** What the `<summary>` calls the body, e.g. "the full plan". */
  readonly what: string;
  readonly language: string;
  readonly lines: readonly string[];
  /** Markdown sentence saying where the uncut text is; shown only when something was cut. */
  readonly elsewhere: string;
}

/** Documents at or under this size are never cut further than their head. */
export const MIN_MARKDOWN_CHARS = 2_000;
/** Fewer diff lines than this are not worth a details block: it is dropped instead. */
const MIN_DETAIL_LINES = 10;

/**
 * Renders `doc` in at most `maxChars` UTF-16 code units (never more than GitHub's count of
 * characters). Order of sacrifice: details lines, then the details block, then list items.
 */
export function fitDocument(doc: MarkdownDocument, maxChars: number): string {
  const cap = Math.max(maxChars, MIN_MARKDOWN_CHARS);
  const total = doc.details?.lines.length ?? 0;
  const full = render(doc, Infinity, total, cap);
  if (full.length <= cap) return full;

  if (doc.details !== null && render(doc, Infinity, MIN_DETAIL_LINES, cap).length <= cap) {
    const lines = largest(MIN_DETAIL_LINES, total, (n) => render(doc, Infinity, n, cap).length <= cap);
    return render(doc, Infinity, lines, cap);
  }
  const most = Math.max(0, ...doc.blocks.map(itemCount));
  const items = largest(0, most, (k) => render(doc, k, null, cap).length <= cap);
  const out = render(doc, items, null, cap);
  return out.length <= cap ? out : `${doc.head.join("\n\n")}\n`;
}

/** The largest n in [low, high] for which `fits` holds, assuming it holds at `low`. */
function largest(low: number, high: number, fits: (n: number) => boolean): number {
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  while (lo > low && !fits(lo)) lo -= 1;
  return lo;
}

function itemCount(block: Block): number {
  switch (block.kind) {
    case "text":
      return 0;
    case "list":
      return block.items.length;
    case "table":
      return block.rows.length;
    case "group":
      return Math.max(0, ...block.parts.map(itemCount));
  }
}

/** `detailLines` null: the details block is replaced by a note saying where the full text is. */
function render(doc: MarkdownDocument, maxItems: number, detailLines: number | null, cap: number): string {
  const parts = [...doc.head, ...doc.blocks.map((b) => renderBlock(b, maxItems))];
  if (doc.details !== null) parts.push(renderDetails(doc.details, detailLines, cap));
  return `${parts.filter((p) => p !== "").join("\n\n")}\n`;
}

function renderBlock(block: Block, maxItems: number): string {
  switch (block.kind) {
    case "text":
      return block.text;
    case "list": {
      const lines = block.title === null ? [] : [block.title];
      lines.push(...block.items.slice(0, maxItems).map((item) => `${block.bullet}${item}`));
      const cut = block.items.length - Math.min(maxItems, block.items.length);
      if (cut > 0) lines.push(`${block.bullet}… and ${thousands(cut)} more`);
      return lines.join("\n");
    }
    case "table": {
      const shown = block.rows.slice(0, maxItems);
      const cut = block.rows.length - shown.length;
      const table = shown.length === 0 ? [] : [block.header, ...shown];
      const more =
        cut > 0 ? [`${table.length > 0 ? "\n" : ""}… and ${thousands(cut)} more ${block.noun}`] : [];
      return [block.title, ...table, ...more].join("\n");
    }
    case "group":
      return block.parts
        .map((p) => renderBlock(p, maxItems))
        .filter((p) => p !== "")
        .join("\n");
  }
}

function renderDetails(details: Details, shownLines: number | null, cap: number): string {
  const total = details.lines.length;
  const limit = `this Markdown is capped at ${thousands(cap)} characters`;
  if (shownLines === null) {
    return `_${capitalize(details.what)} (${count(total, "line")}) is not shown: ${limit}. ${details.elsewhere}_`;
  }
  const lines = details.lines.slice(0, shownLines);
  const cut = total - lines.length;
  const fence = codeFence(lines);
  const summary =
    cut === 0
      ? `Show ${details.what} (${count(total, "line")})`
      : `Show ${details.what} (first ${thousands(lines.length)} of ${count(total, "line")})`;
  const out = [
    `<details><summary>${escapeHtml(summary)}</summary>`,
    "",
    `${fence}${details.language}`,
    ...lines,
    fence,
  ];
  if (cut > 0) out.push("", `_… ${count(cut, "more line")} not shown: ${limit}. ${details.elsewhere}_`);
  out.push("", "</details>");
  return out.join("\n");
}

/** `1234567` → `1,234,567`, independent of the locale. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function count(n: number, word: string): string {
  return `${thousands(n)} ${n === 1 ? word : `${word}s`}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
