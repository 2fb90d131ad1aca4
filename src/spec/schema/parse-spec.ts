import { parsePlainSpec } from "./parse-plain-yaml.js";
import { MAX_SPEC_BYTES } from "./parsed-spec.js";
import type { ParseResult } from "./parsed-spec.js";

/**
 * Parses spec text: plain block YAML (how specs are normally written) by `parsePlainSpec`,
 * anything else by `parseSpecYaml` with the `yaml` package, which is loaded only then. Both give
 * the same `ParsedSpec` for the same text, so nothing after this can tell them apart; every
 * refusal (size, control characters, syntax, hostile nodes) comes from `parseSpecYaml`.
 * Never throws.
 */
export async function parseSpec(text: string, file: string): Promise<ParseResult> {
  // A BOM is fine, and editors do not count it as a column.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (source.length <= MAX_SPEC_BYTES && Buffer.byteLength(source, "utf8") <= MAX_SPEC_BYTES) {
    const plain = parsePlainSpec(source, file);
    if (plain !== null) return { ok: true, parsed: plain };
  }
  const { parseSpecYaml } = await import("./parse-spec-yaml.js");
  return parseSpecYaml(text, file);
}
