import fc from "fast-check";
import type { Arbitrary } from "fast-check";

/**
 * fast-check generators of hostile spec files for the CLI: line-level mutations of real specs
 * (delete, duplicate, swap, inject, replace, truncate) with snippets aimed at the loader — key
 * sources that are devices, directories, `/proc` files, other users' files or unset variables,
 * huge scalars, deep nesting, alias bombs, prototype keys, control characters and odd versions.
 */

const HOSTILE_LINES = [
  "source: file:/dev/zero",
  "source: file:/dev/urandom",
  "source: file:/proc/self/environ",
  "source: file:.",
  "source: file:keys",
  "source: file:../../../../../../etc/shadow",
  "source: file:",
  "source: env:KEYSYNC_SECRET_JWK",
  "source: env:KEYSYNC_MISSING",
  "source: env:HOME",
  "source: http://example.invalid/key.pem",
  `kid: ${"k".repeat(100_000)}`,
  `alg: ${"[".repeat(5_000)}`,
  "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "__proto__: {polluted: true}",
  "constructor: {prototype: {polluted: true}}",
  "<<: {version: 2}",
  "version: 2",
  "version: 1e400",
  "version: 0x1",
  "target: {url: 'file:///etc/passwd'}",
  "target: {url: 'http://user:pa55w0rd-canary@127.0.0.1:1/'}",
  "alg: none",
  "alg: HS256",
  "use: enc",
  "kid: ../../x",
  "kid: \u001b[31mred",
  "kid: '\u0000'",
  "- kid: dup\n  alg: ES256\n- kid: dup\n  alg: ES256",
  "!!binary aGVsbG8=",
  "!!js/function 'function(){}'",
  "---\nversion: 1",
  "%YAML 9.9",
  "\uFEFF",
  "\t",
  "keys: null",
  "keys: {}",
  "sets: []",
  "sets: {'': {keys: []}}",
];

/** One mutation of a base text. */
type Mutation =
  | { readonly kind: "delete" | "duplicate" | "swap"; readonly at: number }
  | {
      readonly kind: "inject" | "replace";
      readonly at: number;
      readonly text: string;
      readonly indent: number;
    }
  | { readonly kind: "truncate"; readonly at: number };

const mutationArb: Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("delete" as const, "duplicate" as const, "swap" as const),
    at: fc.nat(),
  }),
  fc.record({
    kind: fc.constantFrom("inject" as const, "replace" as const),
    at: fc.nat(),
    text: fc.oneof(
      { arbitrary: fc.constantFrom(...HOSTILE_LINES), weight: 4 },
      { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
      { arbitrary: fc.string({ unit: "binary", maxLength: 30 }), weight: 1 },
    ),
    indent: fc.constantFrom(0, 2, 4, 6, 8),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

function apply(text: string, m: Mutation): string {
  const lines = text.split("\n");
  const at = m.at % Math.max(1, lines.length);
  switch (m.kind) {
    case "delete":
      lines.splice(at, 1);
      break;
    case "duplicate":
      lines.splice(at, 0, lines[at] ?? "");
      break;
    case "swap": {
      const next = (at + 1) % lines.length;
      [lines[at], lines[next]] = [lines[next] ?? "", lines[at] ?? ""];
      break;
    }
    case "inject":
    case "replace": {
      const indented = m.text
        .split("\n")
        .map((l) => " ".repeat(m.indent) + l)
        .join("\n");
      lines.splice(at, m.kind === "replace" ? 1 : 0, indented);
      break;
    }
    case "truncate":
      return text.slice(0, m.at % Math.max(1, text.length));
  }
  return lines.join("\n");
}

/** A spec text: one of `bases`, with one to four mutations. */
export function hostileSpecArb(bases: readonly string[]): Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
    .map(([base, mutations]) => mutations.reduce(apply, base));
}
