import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { INTERNAL_PROBLEM, checkSpec } from "../../../src/spec/check-spec.js";
import type { CheckSpecResult } from "../../../src/spec/check-spec.js";

/**
 * Property tests: whatever the text, `checkSpec` returns (never throws), and every diagnostic
 * points inside the text. `KEYSYNC_FUZZ_RUNS` is the total number of runs across the
 * properties below (default 1000).
 */
const TOTAL_RUNS = Number(process.env["KEYSYNC_FUZZ_RUNS"] ?? "1000");
const PROPERTIES = 4;
const RUNS = Math.max(1, Math.floor(TOTAL_RUNS / PROPERTIES));

const ROOT = join(import.meta.dirname, "../../..");
const EXAMPLE = readFileSync(join(ROOT, "keysets.example.yaml"), "utf8");
const KEY_FILES = new Map(
  ["partner-verify.pub.pem", "partner-enc.pub.pem"].map((name) => [
    join(ROOT, "fixtures/keys", name),
    readFileSync(join(ROOT, "fixtures/keys", name)),
  ]),
);

function run(text: string): Promise<CheckSpecResult> {
  return checkSpec(text, {
    display: "fuzz.yaml",
    specPath: join(ROOT, "keysets.example.yaml"),
    env: { KEYSYNC_X: "{}" },
    readFile: (path) => Promise.resolve(KEY_FILES.get(path) ?? null),
  });
}

/** The invariant every input must keep. */
async function checksCleanly(text: string): Promise<void> {
  const result = await run(text);
  if (result.ok) return;
  expect(result.diagnostics.length).toBeGreaterThan(0);
  const lines = (text.startsWith("\uFEFF") ? text.slice(1) : text).split("\n");
  for (const d of result.diagnostics) {
    expect(d.message).not.toBe(INTERNAL_PROBLEM);
    expect(d.position.file).toBe("fuzz.yaml");
    expect(d.position.line).toBeGreaterThanOrEqual(1);
    expect(d.position.line).toBeLessThanOrEqual(lines.length);
    expect(d.position.column).toBeGreaterThanOrEqual(1);
    expect(d.position.column).toBeLessThanOrEqual((lines[d.position.line - 1]?.length ?? 0) + 1);
  }
}

const YAML_TOKENS = [
  ..."abcxyz019 :-,[]{}&*!#|>'\"?%@`~\t\n.\\".split(""),
  "\r\n",
  "\u0000",
  "\uFEFF",
  "é",
  "version: 1\n",
  "sets:\n",
  "  s:\n",
  "    keys:\n",
  "      - kid: a\n",
  "        alg: ES256\n",
  "        source: file:x.pem\n",
  "__proto__: ",
  "<<: ",
  "&a ",
  "*a",
  "!!binary ",
  "!tag ",
  "---\n",
  "%YAML 1.1\n",
  "0x1F",
  "1e400",
  "~",
  "? ",
];

const HOSTILE_SNIPPETS = [
  "__proto__: {}",
  "constructor: x",
  "<<: *a",
  "&a ",
  "*a",
  "!!binary aGk=",
  "[[[[[[[[[[[[[[[[[[[[",
  "{",
  "\t",
  "\u0000",
  "kid: 0x1F",
  "alg: HS256",
  "source: env:PATH",
  "source: file:../../etc/passwd",
  "use: both",
  "---",
  "'",
  '"',
  ": ",
  "- ",
];

describe("checkSpec never throws and always points inside the text", () => {
  it("on random YAML-ish text", async () => {
    const text = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 }).map((parts) => parts.join(""));
    await fc.assert(fc.asyncProperty(text, checksCleanly), { numRuns: RUNS });
  });

  it("on random JSON values rendered as YAML", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 8 }), (value) => checksCleanly(stringify(value))),
      { numRuns: RUNS },
    );
  });

  it("on line-level mutations of the example (delete, duplicate, swap, inject)", async () => {
    const lines = EXAMPLE.split("\n");
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(lines.length - 1) }),
      fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(lines.length - 1) }),
      fc.record({ kind: fc.constant("swap" as const), at: fc.nat(lines.length - 2) }),
      fc.record({
        kind: fc.constant("inject" as const),
        at: fc.nat(lines.length - 1),
        indent: fc.nat(10),
        snippet: fc.constantFrom(...HOSTILE_SNIPPETS),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const mutated = [...lines];
        for (const m of mutations) {
          const line = mutated[m.at] ?? "";
          if (m.kind === "delete") mutated.splice(m.at, 1);
          else if (m.kind === "duplicate") mutated.splice(m.at, 0, line);
          else if (m.kind === "swap") mutated.splice(m.at, 2, mutated[m.at + 1] ?? "", line);
          else mutated.splice(m.at, 0, `${" ".repeat(m.indent)}${m.snippet}`);
        }
        return checksCleanly(mutated.join("\n"));
      }),
      { numRuns: RUNS },
    );
  });

  it("on value-level mutations of the example (retype, rename, drop, hostile keys)", async () => {
    const replacement = fc.oneof(
      fc.constantFrom<unknown>(null, true, 0, -1, 1e300, "", ".", "..", "a/b", "x".repeat(300), [], {}),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const edit = fc.record({
      pick: fc.nat(),
      action: fc.constantFrom("retype", "rename", "drop", "hostile"),
      value: replacement,
      name: fc.constantFrom(
        "__proto__",
        "constructor",
        "prototype",
        "colour",
        "keys",
        "kid",
        "<<",
        "sets",
        "",
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const doc = parse(EXAMPLE) as unknown;
        for (const e of edits) applyEdit(doc, e);
        return checksCleanly(stringify(doc));
      }),
      { numRuns: RUNS },
    );
  });
});

interface Edit {
  readonly pick: number;
  readonly action: "retype" | "rename" | "drop" | "hostile";
  readonly value: unknown;
  readonly name: string;
}

/** Applies one edit at the `pick`-th container of `doc` (maps and lists, depth first). */
function applyEdit(doc: unknown, edit: Edit): void {
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const collect = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    containers.push(node as Record<string, unknown> | unknown[]);
    for (const child of Object.values(node)) collect(child);
  };
  collect(doc);
  const target = containers[edit.pick % containers.length];
  if (target === undefined) return;
  const value: unknown = structuredClone(edit.value); // never the same object twice: no cycles
  const names = Object.keys(target);
  const name = names[edit.pick % Math.max(1, names.length)];
  if (Array.isArray(target)) {
    const index = edit.pick % Math.max(1, target.length);
    if (edit.action === "drop") target.splice(index, 1);
    else target.splice(index, edit.action === "retype" ? 1 : 0, value);
    return;
  }
  if (edit.action === "hostile" || name === undefined) {
    Object.defineProperty(target, edit.name, { value, enumerable: true, configurable: true, writable: true });
    return;
  }
  const old = target[name];
  Reflect.deleteProperty(target, name);
  if (edit.action === "retype") target[name] = value;
  if (edit.action === "rename") {
    Object.defineProperty(target, edit.name, {
      value: old,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
}
