import { parseDocument } from "yaml";
import type { Document, ErrorCode, YAMLError } from "yaml";
import type { Diagnostic, SourcePosition } from "../../errors.js";
import { locateInDocument } from "./locate.js";
import { MAX_SPEC_BYTES, positionsIn } from "./parsed-spec.js";
import type { ParseResult } from "./parsed-spec.js";
import { refuseHostileNodes } from "./refuse-hostile-nodes.js";

export { MAX_SPEC_BYTES } from "./parsed-spec.js";
export type { ParsedSpec, ParseResult } from "./parsed-spec.js";

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
    const value: unknown = doc.toJS({ maxAliasCount: 0 });
    return {
      ok: true,
      parsed: { file, value, locate: (path, at) => locateInDocument(doc, positionAt, file, path, at) },
    };
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
  // After one structural mistake yaml reports every later token; past the first on a line, and
  // past a handful in all, they are consequences, not news.
  const lines = new Set<number>();
  let more = 0;
  for (const error of errors) {
    if (error.code === "RESOURCE_EXHAUSTION") continue;
    const position = positionAt(error.pos[0]);
    if (lines.has(position.line)) continue;
    lines.add(position.line);
    if (out.length < MAX_SYNTAX_ERRORS) out.push({ position, message: yamlMessage(error) });
    else more += 1;
  }
  const last = out.at(-1);
  if (more > 0 && last !== undefined) {
    out.push({
      position: last.position,
      message: `…and ${more} more YAML syntax errors on later lines, most likely caused by the ones above`,
    });
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

/** YAML syntax errors reported before the rest are summarised in one line. */
const MAX_SYNTAX_ERRORS = 10;

const TOO_DEEP_TO_PARSE = "nested too deeply to parse (a keysets spec is at most 5 levels deep)";

/**
 * What each of yaml's error codes means for a spec author. Every code has a fixed message:
 * yaml's own messages quote the text they failed on, and that text can be a secret (a password
 * in a URL, a pasted key) or 100 kB long, so they are never passed through.
 */
const YAML_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  ALIAS_PROPS: "YAML aliases (*name) are not allowed in a keysets spec; write the value out",
  BAD_ALIAS: "YAML aliases (*name) are not allowed in a keysets spec; write the value out",
  BAD_COLLECTION_TYPE: "YAML syntax error: this collection does not have the type its tag says",
  BAD_DIRECTIVE: "YAML syntax error: unknown or malformed % directive",
  BAD_DQ_ESCAPE: "YAML syntax error: invalid escape sequence in a double-quoted string",
  BAD_INDENT: "YAML syntax error: bad indentation",
  BAD_PROP_ORDER: "YAML syntax error: anchors and tags must come before the value",
  BAD_SCALAR_START: "YAML syntax error: a plain value cannot start with this character; quote the value",
  BLOCK_AS_IMPLICIT_KEY: "YAML syntax error: a nested block cannot be used as a map key",
  BLOCK_IN_FLOW: "YAML syntax error: a block collection cannot appear inside [ ] or { }",
  DUPLICATE_KEY: "duplicate key",
  IMPOSSIBLE: "YAML syntax error: the document cannot be read",
  KEY_OVER_1024_CHARS: "YAML syntax error: an implicit map key is longer than 1024 characters",
  MISSING_CHAR: "YAML syntax error: a closing quote, bracket or brace is missing",
  MULTILINE_IMPLICIT_KEY:
    "YAML syntax error: a map key must be on one line (is a colon or an indent missing?)",
  MULTIPLE_ANCHORS: "YAML syntax error: a node has more than one anchor",
  MULTIPLE_DOCS: "a spec file holds exactly one YAML document; remove the second --- and what follows",
  MULTIPLE_TAGS: "YAML syntax error: a node has more than one tag",
  NON_STRING_KEY: "map keys must be plain strings, not lists or maps",
  RESOURCE_EXHAUSTION: TOO_DEEP_TO_PARSE,
  TAB_AS_INDENT: "tabs are not allowed as indentation; indent with spaces",
  TAG_RESOLVE_FAILED: "YAML tags are not allowed in a keysets spec",
  UNEXPECTED_TOKEN: "YAML syntax error: unexpected text here (is a colon, a dash or an indent wrong?)",
};

/**
 * yaml messages that are safe to show because they cannot contain input: whole-message
 * patterns whose variable parts are yaml's own vocabulary (token types, "flow map", closing
 * brackets). They are more precise than the per-code messages, so they win when they match.
 */
const SAFE_YAML_MESSAGES: readonly RegExp[] = [
  /^Missing closing ["']quote$/,
  /^Sequence item without - indicator$/,
  /^Implicit map keys need to be followed by map values$/,
  /^Implicit keys (of flow sequence pairs )?need to be on a single line$/,
  /^All (sequence|mapping) items must start at the same column$/,
  /^A block sequence may not be used as an implicit map key$/,
  /^Nested mappings are not allowed in compact mappings$/,
  /^Comments must be separated from other tokens by white space characters$/,
  /^Tags and anchors must be separated from the next token by white space$/,
  /^A node can have at most one (anchor|tag)$/,
  /^Missing (,|, or :) between flow (map|sequence) items$/,
  /^Missing space after : in flow (map|sequence)$/,
  /^Unexpected (empty item|,) in flow (map|sequence)$/,
  /^Flow (map|sequence)( in block collection must be sufficiently indented and)? (must )?end with a [}\]]$/,
  /^Flow end indicator should be more indented than parent$/,
  /^Block collections are not allowed within flow collections$/,
  /^Block scalar values in collections must be indented$/,
  /^Missing newline after block sequence props$/,
  /^Unexpected [a-z-]+ (at node end|token)$/,
  /^Expected a flow scalar value, but found: [a-z-]+$/,
];

function yamlMessage(error: YAMLError): string {
  const own = error.message.split("\n")[0] ?? "";
  if (SAFE_YAML_MESSAGES.some((pattern) => pattern.test(own))) return `YAML syntax error: ${lowerFirst(own)}`;
  return YAML_MESSAGES[error.code];
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
