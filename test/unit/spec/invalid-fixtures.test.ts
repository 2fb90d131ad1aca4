import { generateKeyPairSync } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { captureIo } from "../../support/capture-io.js";

const ROOT = join(import.meta.dirname, "../../..");
const DIR = join(ROOT, "fixtures/invalid");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/** Fixtures may reference these variables; the encrypted key is made here, never committed. */
const ENV = {
  KEYSYNC_FIXTURE_ENCRYPTED_PEM: generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "fixture" },
  }).privateKey,
};

interface Expectation {
  readonly line: number;
  readonly column: number;
  readonly fragment: string;
}

/** The `# expect: LINE:COLUMN fragment` lines a fixture starts with. */
function expectationsOf(text: string): Expectation[] {
  const found: Expectation[] = [];
  for (const line of text.split("\n")) {
    const match = /^# expect: (\d+):(\d+) (.+)$/.exec(line);
    if (match === null) break;
    found.push({ line: Number(match[1]), column: Number(match[2]), fragment: match[3] ?? "" });
  }
  return found;
}

describe("fixtures/invalid", () => {
  it("holds at least 45 malformed specs, each with expectations", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(45);
    for (const file of FILES)
      expect(expectationsOf(readFileSync(join(DIR, file), "utf8")), file).not.toEqual([]);
  });

  it.each(FILES)("%s fails validate with exactly the expected diagnostics", async (file) => {
    const expected = expectationsOf(readFileSync(join(DIR, file), "utf8"));
    const display = relative(ROOT, join(DIR, file));
    const io = captureIo({ cwd: ROOT, env: ENV });

    expect(await main(["validate", "-f", display], io)).toBe(1);
    expect(io.out()).toBe("");
    const lines = io.err().trimEnd().split("\n");
    expect(lines).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(lines[i]).toContain(`${display}:${e.line}:${e.column}: `);
      expect(lines[i]).toContain(e.fragment);
    });
  });
});
