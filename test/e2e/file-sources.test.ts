import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// `file:` sources read only inside the spec's directory tree (issue 16 #4): the red team's
// `file:/proc/self/environ` uploaded a CI secret from the runner's environment, bypassing the
// KEYSYNC_ allow-list of env: sources. Every way out gets one answer that does not say whether
// the outside path exists, what it is or how large.
let world: E2eWorld;
worldPerTest((w) => (world = w));

let outside = "";
beforeEach(() => {
  outside = mkdtempSync(join(tmpdir(), "keysync-outside-"));
});
afterEach(() => {
  rmSync(outside, { recursive: true, force: true });
});

const OUTSIDE = "is outside the spec file's directory tree: file: sources are read only from inside it";

function privatePem(): string {
  const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  world.canary.addJwk(key.export({ format: "jwk" }), "test key");
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

function spec(source: string): string {
  return [
    "version: 1",
    "sets:",
    "  app:",
    "    keys:",
    "      - kid: k1",
    "        alg: ES256",
    `        source: "${source}"`,
    "",
  ].join("\n");
}

describe("a file: source outside the spec's tree", () => {
  it.each([
    ["/proc/self/environ", () => "/proc/self/environ"],
    ["/dev/zero", () => "/dev/zero"],
    ["an existing key file elsewhere, by absolute path", () => join(outside, "real.pem")],
    ["a missing file elsewhere, by absolute path", () => join(outside, "missing.pem")],
    ["a .. escape", () => `../${outside.split("/").pop() ?? ""}/real.pem`],
    ["a symlink inside to an existing file outside", () => "link-real.pem"],
    ["a symlink inside to a missing file outside", () => "link-missing.pem"],
    ["a symlinked directory leading outside", () => "out/real.pem"],
  ])("(%s) is refused by validate, plan and apply in one line, nothing sent", async (_, path) => {
    writeFileSync(join(outside, "real.pem"), privatePem());
    symlinkSync(join(outside, "real.pem"), world.path("link-real.pem"));
    symlinkSync(join(outside, "missing.pem"), world.path("link-missing.pem"));
    symlinkSync(outside, world.path("out"));
    // The spec's directory is a child of tmpdir, as `outside` is: `..` reaches it.
    expect(join(world.dir, "..")).toBe(join(outside, ".."));
    world.write("keysets.yaml", spec(`file:${path()}`));
    const mark = world.mark();
    for (const args of [["validate"], ["plan"], ["apply", "--auto-approve"]]) {
      const run = await world.keysync(args);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr.startsWith(`keysets.yaml:7:17: file:${path()} ${OUTSIDE}`), run.stderr).toBe(true);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(world.writesSince(mark)).toEqual([]);
  });

  it("gets the same message whether the outside file exists, is missing, a FIFO or huge", async () => {
    writeFileSync(join(outside, "real.pem"), privatePem());
    writeFileSync(join(outside, "huge.pem"), "x".repeat(200_000));
    const messages: string[] = [];
    for (const name of ["real.pem", "missing.pem", "huge.pem", "."]) {
      world.write("keysets.yaml", spec(`file:${join(outside, name)}`));
      const run = await world.keysync(["validate"]);
      messages.push(run.stderr.replace(join(outside, name), "PATH"));
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toContain(OUTSIDE);
  });

  it("inside the tree, through a symlink or an absolute path, is read and applied", async () => {
    world.write("real.pem", privatePem());
    symlinkSync("real.pem", world.path("link.pem"));
    for (const source of ["file:link.pem", `file:${world.path("real.pem")}`]) {
      world.write("keysets.yaml", spec(source));
      expect((await world.keysync(["validate"])).code).toBe(0);
    }
    expect((await world.keysync(["apply", "--auto-approve"])).code).toBe(0);
    expect(await world.liveKids("app")).toEqual(["k1"]);
  });
});
