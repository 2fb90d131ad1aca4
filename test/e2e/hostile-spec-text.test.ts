import { describe, expect, it } from "vitest";
import { worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// Control characters and bidi controls a spec holds (ESC, BEL, CR, C1 CSI, U+202E, U+2066)
// never reach stdout or stderr raw: each is shown as its \uXXXX escape, so an error about a
// hostile value can neither drive the terminal nor reorder what the reviewer reads.
let world: E2eWorld;
worldPerTest((w) => (world = w));

/** Nothing printed holds a control character other than newline, or a bidi control. */
function expectPrintable(text: string): void {
  expect(text).not.toMatch(
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
  );
}

/** A one-set spec whose key is `key` (YAML lines, double-quoted escapes decoded by YAML). */
function spec(setId: string, key: readonly string[]): string {
  return [
    "version: 1",
    "sets:",
    `  ${setId}:`,
    "    keys:",
    ...key.map((l, i) => `${i === 0 ? "      - " : "        "}${l}`),
    "",
  ].join("\n");
}

// [what, spec, what the message shows: the value escaped, or (sources, which are never quoted
// because people paste key material there) the rule]
const CASES: readonly [string, string, string][] = [
  ["kid with a bidi override", spec("tokens", ['kid: "k\\u202eX"', "alg: ES256"]), "\\u202e"],
  ["set ID with ESC and CR", spec('"a\\e[2K\\rb"', ["kid: k", "alg: ES256"]), "\\u001b"],
  ["alg with a C1 CSI", spec("tokens", ["kid: k", 'alg: "ES256\\x9b2J"']), "\\u009b"],
  ["unknown field with BEL", spec("tokens", ["kid: k", "alg: ES256", '"x\\ay": 1']), "\\u0007"],
  [
    "file: source with ESC, BEL and a bidi isolate",
    spec("tokens", ["kid: k", "alg: ES256", 'source: "file:\\e]0;t\\a\\u2066.pem"']),
    "may not hold control characters or bidi controls",
  ],
  [
    "env: source with a bidi override",
    spec("tokens", ["kid: k", "alg: ES256", 'source: "env:KEYSYNC_\\u202eA"']),
    "variable names are KEYSYNC_ followed by A-Z 0-9 _",
  ],
];

describe("hostile text in the spec", () => {
  it.each(CASES)("%s: validate and plan exit 1 and show it escaped", async (_what, yaml, shown) => {
    world.write("keysets.yaml", yaml);
    for (const args of [["validate"], ["plan"], ["plan", "--json"]]) {
      const run = await world.keysync(args);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr).toMatch(/^keysets\.yaml:\d+:\d+: /m);
      expectPrintable(run.stdout + run.stderr);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /i);
      expect(run.stderr).toContain(shown);
    }
  });
});
