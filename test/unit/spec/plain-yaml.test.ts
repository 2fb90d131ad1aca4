import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePlainSpec } from "../../../src/spec/schema/parse-plain-yaml.js";
import { parseSpecYaml } from "../../../src/spec/schema/parse-spec-yaml.js";
import type { ParsedSpec } from "../../../src/spec/schema/parsed-spec.js";

/**
 * The plain-YAML fast path must be invisible: whenever it accepts a text, the general parser
 * (yaml) accepts it too, with the same value and every node at the same position. Checked on
 * generated specs in many styles and on line-level mutations of them; the fast path may refuse
 * anything (then yaml parses it), but must accept the usual ways of writing a spec.
 */
const RUNS = Math.max(1, Math.floor(Number(process.env["KEYSYNC_FUZZ_RUNS"] ?? "1000") / 2));
const ROOT = join(import.meta.dirname, "../../..");
const EXAMPLE = readFileSync(join(ROOT, "keysets.example.yaml"), "utf8");

/** Every path to a node of `value`, plus paths that lead nowhere from each. */
function pathsOf(value: unknown, prefix: readonly string[] = []): string[][] {
  const out: string[][] = [[...prefix], [...prefix, "missing"], [...prefix, "0"], [...prefix, "01"]];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...pathsOf(item, [...prefix, String(i)])));
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

/** Fails unless the fast path's answer is indistinguishable from the general parser's. */
function agrees(text: string): ParsedSpec | null {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const plain = parsePlainSpec(source, "t.yaml");
  if (plain === null) return null;
  const general = parseSpecYaml(text, "t.yaml");
  expect(general.ok, `yaml refused what the fast path accepted:\n${text}`).toBe(true);
  if (!general.ok) return null;
  expect(plain.value).toStrictEqual(general.parsed.value);
  expect(JSON.stringify(plain.value)).toBe(JSON.stringify(general.parsed.value));
  for (const path of pathsOf(plain.value)) {
    for (const at of ["key", "value"] as const) {
      expect(plain.locate(path, at), `${at} of /${path.join("/")} in:\n${text}`).toStrictEqual(
        general.parsed.locate(path, at),
      );
    }
  }
  return plain;
}

const SCALARS = [
  "a",
  "ES256",
  "sig-2026-11",
  "hydra.openid.id-token",
  "A:b_c.d-e",
  "file:keys/partner.pub.pem",
  "env:KEYSYNC_X",
  "http://127.0.0.1:4445",
  "https://x.projects.oryapis.com/",
  "true",
  "True",
  "FALSE",
  "null",
  "Null",
  "NULL",
  "~",
  "0",
  "1",
  "7",
  "01",
  "-1",
  "+1",
  "0x1F",
  "0o17",
  "1e3",
  "1E-3",
  "1.5",
  ".5",
  "1.",
  ".inf",
  ".NaN",
  "nan",
  "yes",
  "on",
  "NO",
  "y",
  "12345678901234567890",
  "123456789012345",
  "a:b",
  "a:",
  "a#b",
  "-a",
  "a-",
  "_x",
  "x_",
  "/x",
  ".x",
  "x".repeat(1001),
  "x".repeat(1030),
  "é",
  "a b",
  "a\\b",
  "",
  "<<",
  "__proto__",
  "constructor",
  "toString",
  "---",
  "...",
  "@x",
  "%x",
];

type Tree = string | number | Tree[] | TreeMap;
/** A map as its entries (a recursive Record type is not allowed). */
interface TreeMap {
  readonly pairs: readonly (readonly [string, Tree])[];
}

// Mostly scalars the fast path takes, so that whole trees get through; now and then a tricky one.
const scalar = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9:._/-]{0,12}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...SCALARS) },
);
const key = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("version", "sets", "keys", "kid", "alg", "use", "source", "target", "url"),
  },
  scalar,
);
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.integer({ min: 0, max: 99 }),
    fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
    fc
      .dictionary(key, tie("node"), { minKeys: 1, maxKeys: 4 })
      .map((d): TreeMap => ({ pairs: Object.entries(d) })),
  ),
})).node;

interface Style {
  readonly indent: number;
  readonly compact: boolean;
  readonly dashSpaces: number;
  readonly quote: "none" | "single" | "double" | "mixed";
  readonly comments: boolean;
  readonly crlf: boolean;
  readonly trailingSpaces: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  indent: fc.integer({ min: 1, max: 4 }),
  compact: fc.boolean(),
  dashSpaces: fc.integer({ min: 1, max: 3 }),
  quote: fc.constantFrom("none", "single", "double", "mixed"),
  comments: fc.boolean(),
  crlf: fc.boolean(),
  trailingSpaces: fc.boolean(),
});

/** Renders `value` as block YAML in `s`'s style (not always valid YAML: that is the point). */
function render(value: Tree, s: Style): string {
  const lines: string[] = [];
  let n = 0;
  const q = (text: string | number): string => {
    if (typeof text === "number") return String(text);
    n += 1;
    const mode = s.quote === "mixed" ? (["none", "single", "double"] as const)[n % 3] : s.quote;
    if (mode === "single") return `'${text}'`;
    if (mode === "double") return `"${text}"`;
    return text;
  };
  const comment = (): string => (s.comments && n % 2 === 0 ? " # note: a #b" : "");
  const tail = (): string => (s.trailingSpaces && n % 3 === 0 ? "  " : "");
  const isScalar = (v: Tree): v is string | number => typeof v !== "object";
  const emitMap = (m: TreeMap, col: number, firstLead: string | null): void => {
    m.pairs.forEach(([k, v], i) => {
      const start = i === 0 && firstLead !== null ? firstLead : " ".repeat(col);
      const head = `${start}${q(k)}:`;
      if (isScalar(v)) lines.push(`${head} ${q(v)}${comment()}${tail()}`);
      else if (Array.isArray(v)) {
        lines.push(head + comment());
        emitSeq(v, s.compact ? col : col + s.indent);
      } else {
        lines.push(head + comment());
        if (s.comments) lines.push(`${" ".repeat(col + s.indent)}# inside`);
        emitMap(v, col + s.indent, null);
      }
    });
  };
  const emitSeq = (items: Tree[], col: number): void => {
    for (const item of items) {
      const dash = `${" ".repeat(col)}-${" ".repeat(s.dashSpaces)}`;
      if (isScalar(item)) lines.push(`${dash}${q(item)}${comment()}${tail()}`);
      else if (Array.isArray(item)) {
        lines.push(dash.trimEnd());
        emitSeq(item, col + s.indent);
      } else emitMap(item, col + 1 + s.dashSpaces, dash);
    }
  };
  if (isScalar(value)) lines.push(q(value));
  else if (Array.isArray(value)) emitSeq(value, 0);
  else emitMap(value, 0, null);
  return lines.join(s.crlf ? "\r\n" : "\n") + (s.crlf ? "\r\n" : "\n");
}

/** A spec in the shape the bench generates (and most real specs have). */
function benchSpec(sets: number): string {
  const parts = ["# generated\nversion: 1\nsets:\n"];
  for (let i = 0; i < sets; i++) {
    parts.push(
      `  set-${i}:\n    keys:\n      - kid: sig-1\n        alg: ES256\n      - kid: sig-2\n        alg: EdDSA\n`,
    );
  }
  return parts.join("");
}

describe("plain-YAML fast path", () => {
  it("accepts the usual ways of writing a spec, with the same value and positions as yaml", () => {
    for (const text of [
      EXAMPLE,
      benchSpec(50),
      `\uFEFF${benchSpec(2)}`,
      benchSpec(3).replaceAll("\n", "\r\n"),
      'version: 1\nsets:\n  a:\n    keys:\n    - kid: x # c\n      alg: \'ES256\'\n  "b.c":\n    keys:\n      -   kid: y\n          alg: "EdDSA"\n',
      // Six levels of maps and lists: the most the hostile-input walk allows.
      "a:\n b:\n  c:\n   d:\n    e:\n     - 1\n",
    ]) {
      expect(agrees(text), text).not.toBeNull();
    }
  });

  it("refuses what it does not handle (yaml then parses it)", () => {
    for (const text of [
      "version: 1\nsets: {}\n",
      "version: 1\nsets:\n  a: &x\n    keys: []\n",
      "version: 1\nsets:\n\ta: 1\n",
      "version: 1\nversion: 1\n",
      "version: 1\n__proto__: 1\n",
      "version: 1\n---\nsets: 1\n",
      "version: 01\n",
      "version: 1\nsets:\n  a:\n",
      "version: 1\nsets: |\n  a\n",
      "version: 1\nsets: 'it''s'\n",
      'version: 1\nsets: "a\\tb"\n',
      "  version: 1\n",
      "version: true\n",
      // Seven levels: refused by the hostile-input walk, so not plain either.
      "a:\n b:\n  c:\n   d:\n    e:\n     - f: 1\n",
    ]) {
      expect(parsePlainSpec(text, "t.yaml"), text).toBeNull();
    }
  });

  it("agrees with yaml on every tricky scalar, in every place and quoting", () => {
    const templates = [
      (v: string) => `k: ${v}\n`,
      (v: string) => `k: ${v} # c\n`,
      (v: string) => `k: ${v}#c\n`,
      (v: string) => `k: ${v}  \n`,
      (v: string) => `k:\n  - ${v}\n`,
      (v: string) => `k:\n- ${v}\n- x\n`,
      (v: string) => `${v}: x\n`,
      (v: string) => `${v}:\n  a: b\n`,
      (v: string) => `k:\n  - ${v}: x\n    y: z\n`,
      (v: string) => `- ${v}\n`,
      (v: string) => `a: b\n${v}: c\n`,
    ];
    for (const v of [...SCALARS, "a,b", "a]", "a}", "a'", 'a"', "a:b:c", "a: b", "a:/b", "x://y:1/z"]) {
      for (const quoted of [v, `'${v}'`, `"${v}"`]) {
        for (const template of templates) agrees(template(quoted));
      }
    }
  });

  it("agrees with yaml on generated trees in many styles", () => {
    let accepted = 0;
    fc.assert(
      fc.property(tree, style, (value, s) => {
        if (agrees(render(value, s)) !== null) accepted += 1;
      }),
      { numRuns: RUNS },
    );
    // The generator must exercise the fast path, not only its refusals.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it("agrees with yaml on line-level mutations (delete, duplicate, swap, re-indent, inject)", () => {
    const base = [EXAMPLE, benchSpec(3)];
    const snippets = [
      "#",
      " #x",
      "- ",
      "-",
      "a:",
      "a: b",
      ": ",
      "'",
      '"',
      "---",
      "...",
      "? a",
      "&a",
      "*a",
      "!t",
      "[",
      "{",
      "|",
      "\t",
      "  ",
    ];
    const mutation = fc.record({
      kind: fc.constantFrom("delete", "duplicate", "swap", "indent", "dedent", "inject", "append"),
      at: fc.nat(),
      snippet: fc.constantFrom(...snippets),
    });
    fc.assert(
      fc.property(
        fc.nat(base.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, mutations) => {
          const lines = (base[which] ?? "").split("\n");
          for (const m of mutations) {
            const at = m.at % lines.length;
            const line = lines[at] ?? "";
            if (m.kind === "delete") lines.splice(at, 1);
            else if (m.kind === "duplicate") lines.splice(at, 0, line);
            else if (m.kind === "swap") lines.splice(at, 2, lines[at + 1] ?? "", line);
            else if (m.kind === "indent") lines[at] = ` ${line}`;
            else if (m.kind === "dedent") lines[at] = line.replace(/^ /, "");
            else if (m.kind === "inject") lines.splice(at, 0, `${" ".repeat(at % 9)}${m.snippet}`);
            else lines[at] = `${line}${m.snippet}`;
          }
          agrees(lines.join("\n"));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
