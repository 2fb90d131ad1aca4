import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { KEYSYNC_VERSION } from "../../../src/version.js";
import { captureIo } from "../../support/capture-io.js";

describe("the CLI frame", () => {
  it("prints the version from package.json", async () => {
    const io = captureIo();
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(await main(["--version"], io)).toBe(0);
    expect(io.out()).toBe(`${pkg.version}\n`);
    expect(KEYSYNC_VERSION).toBe(pkg.version);
  });

  it("prints help on stdout and exits 0", async () => {
    const io = captureIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.out()).toContain("Usage: keysync");
    expect(io.err()).toBe("");
  });

  it("exits 1, never 2, on a usage error and says so on stderr", async () => {
    const io = captureIo();
    expect(await main(["no-such-command"], io)).toBe(1);
    expect(io.out()).toBe("");
    expect(io.err()).toMatch(/unknown command 'no-such-command'/);
  });
});
