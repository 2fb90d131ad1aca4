import { parseDocument } from "yaml";
import type { Document, ErrorCode, YAMLError } from "yaml";
import type { Diagnostic, SourcePosition } from "../../errors.js";
import { refuseHostileNodes } from "./refuse-hostile-nodes.js";

/** Spec files larger than this are refused before parsing (hostile-input guard). */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** A spec that parsed as one plain YAML document; `value` is its JSON form, not yet validated. */
export interface ParsedSpec {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly value: unknown;
  /** 1-based position of a character offset in the parsed text. */
  readonly positionAt: (offset: number) => SourcePosition;
}

export type ParseResult =
  | { readonly ok: true; readonly parsed: ParsedSpec }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Parses spec text into one YAML document and its JSON value, refusing hostile input with a
 * diagnostic (reliability.md §5): oversized text, control characters (NUL), syntax errors,
 * duplicate keys, several documents, directives, and then, node by node, aliases, anchors,
 * tags, non-string or prototype-polluting keys and excessive nesting. Never throws.
 */
export function parseSpecYaml(text: string, file: string): ParseResult {
  // A BOM is fine, and editors do not count it as a column.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const positionAt = positionsIn(source, file);
  const refuse = (position: SourcePosition, message: string): ParseResult => ({
    ok: false,
    diagnostics: [{ position, message }],
  });

  if (Buffer.byteLength(source, "utf8") > MAX_SPEC_BYTES) {
    return refuse({ file, line: 1, column: 1 }, `the spec is larger than ${MAX_SPEC_BYTES} bytes`);
  }
  const control = firstControlChar(source);
  if (control !== -1) {
    const code = source.charCodeAt(control).toString(16).toUpperCase().padStart(4, "0");
    return refuse(positionAt(control), `control character U+${code} is not allowed`);
  }

  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, {
      prettyErrors: false,
      strict: true,
      // Duplicate keys are found by the node walk: yaml's own check compares every key with
      // every earlier one, which takes minutes on a 1 MiB map of distinct keys.
      uniqueKeys: false,
      stringKeys: true,
      merge: false,
      version: "1.2",
      // "error", not "silent": silent also drops the MULTIPLE_DOCS error. Nothing is printed either way.
      logLevel: "error",
    });
  } catch {
    return refuse({ file, line: 1, column: 1 }, "the spec could not be parsed as YAML");
  }

  // Tags are refused node by node below, where the tag's name is known.
  const yamlProblems = [...doc.errors, ...doc.warnings].filter((e) => e.code !== "TAG_RESOLVE_FAILED");
  if (yamlProblems.length > 0) {
    return { ok: false, diagnostics: describeYamlErrors(doc, yamlProblems, source, positionAt) };
  }
  if (doc.directives.yaml.explicit) {
    const at = /^%YAML/m.exec(source)?.index ?? 0;
    return refuse(positionAt(at), "%YAML directives are not allowed: a keysets spec is YAML 1.2");
  }
  const hostile = refuseHostileNodes(doc.contents, source, positionAt);
  if (hostile.length > 0) return { ok: false, diagnostics: hostile };

  try {
    return { ok: true, parsed: { file, doc, value: doc.toJS({ maxAliasCount: 0 }), positionAt } };
  } catch {
    return refuse({ file, line: 1, column: 1 }, "the spec could not be read as plain YAML data");
  }
}

function describeYamlErrors(
  doc: Document.Parsed,
  errors: readonly YAMLError[],
  source: string,
  positionAt: (offset: number) => SourcePosition,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const error of errors) {
    if (error.code !== "RESOURCE_EXHAUSTION") {
      out.push({ position: positionAt(error.pos[0]), message: yamlMessage(error) });
    }
  }
  if (errors.some((e) => e.code === "RESOURCE_EXHAUSTION")) {
    // yaml reports a stack overflow once per unwound frame, at places that depend on the stack
    // size. The tree it built up to there is enough for the node walk to name the first node
    // that is too deep, which is the same on every machine.
    const walked = refuseHostileNodes(doc.contents, source, positionAt);
    const first = errors.find((e) => e.code === "RESOURCE_EXHAUSTION");
    if (walked.length > 0) out.push(...walked);
    else if (first !== undefined)
      out.push({ position: positionAt(first.pos[0]), message: TOO_DEEP_TO_PARSE });
  }
  return out;
}

const TOO_DEEP_TO_PARSE = "nested too deeply to parse (a keysets spec is at most 5 levels deep)";

/** What yaml's error codes mean for a spec author; codes not listed are syntax errors. */
const YAML_MESSAGES: Partial<Record<ErrorCode, string>> = {
  MULTIPLE_DOCS: "a spec file holds exactly one YAML document; remove the second --- and what follows",
  TAB_AS_INDENT: "tabs are not allowed as indentation; indent with spaces",
  BAD_ALIAS: "YAML aliases (*name) are not allowed in a keysets spec; write the value out",
  ALIAS_PROPS: "YAML aliases (*name) are not allowed in a keysets spec; write the value out",
  NON_STRING_KEY: "map keys must be plain strings, not lists or maps",
};

function yamlMessage(error: YAMLError): string {
  return YAML_MESSAGES[error.code] ?? `YAML syntax error: ${lowerFirst(error.message.split("\n")[0] ?? "")}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Index of the first C0 control character other than tab, LF and CR (or DEL); -1 if none. */
function firstControlChar(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return i;
  }
  return -1;
}

/**
 * 1-based line and column of character offsets in `text`. Counted here rather than with yaml's
 * `LineCounter`, which only learns the line breaks its lexer emits as tokens and so misses
 * those inside multi-line scalars (a stray quote makes the rest of a file one scalar).
 */
function positionsIn(text: string, file: string): (offset: number) => SourcePosition {
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
