import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { StateError } from "../../../src/errors.js";
import { parseState, serializeState } from "../../../src/state/codec.js";

// Terraform's statefile/roundtrip_test.go: every NNN-name.in.json is parsed and serialised; it
// must equal NNN-name.out.json, or be refused with the message in NNN-name.error.txt.
const DIR = fileURLToPath(new URL("../../golden/state/", import.meta.url));
const cases = readdirSync(DIR)
  .filter((name) => name.endsWith(".in.json"))
  .map((name) => name.slice(0, -".in.json".length))
  .sort();
const read = (name: string): string => readFileSync(`${DIR}${name}`, "utf8");

describe("state codec golden files", () => {
  it("has round-trip and refusal cases", () => {
    expect(cases.filter((c) => existsSync(`${DIR}${c}.out.json`)).length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => existsSync(`${DIR}${c}.error.txt`)).length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    if (existsSync(`${DIR}${name}.out.json`)) {
      it(`${name}: round-trips to the canonical form`, () => {
        const out = serializeState(parseState(read(`${name}.in.json`), "keysync.state.json"));
        expect(out).toBe(read(`${name}.out.json`));
        // The canonical form is a fixed point.
        expect(serializeState(parseState(out, "keysync.state.json"))).toBe(out);
      });
    } else {
      it(`${name}: is refused with a precise message`, () => {
        const text = read(`${name}.in.json`);
        let thrown: unknown;
        try {
          parseState(text, "keysync.state.json");
        } catch (error: unknown) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(StateError);
        expect((thrown as StateError).message).toBe(read(`${name}.error.txt`).trimEnd());
      });
    }
  }
});
