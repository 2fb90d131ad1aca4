import { describe, expect, it } from "vitest";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// Plain http goes only to this machine: IP literals in 127.0.0.0/8, ::1 and `localhost`, judged
// on the URL as the WHATWG parser reads it, never by string prefix (issue: `127.` names).
let world: E2eWorld;
worldPerTest((w) => (world = w));

describe("plain http", () => {
  it("is refused to host names that merely start like a loopback address, and nothing is sent", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const port = new URL(world.server.url).port;
    for (const host of [
      "127.attacker.example",
      "127.0.0.1.nip.io",
      "localhost.attacker.example",
      "127-0-0-1.attacker.example",
      "[::ffff:127.0.0.1]",
    ]) {
      const url = `http://${host}:${port}`;
      for (const args of [
        ["plan", "--target", url],
        ["apply", "--auto-approve", "--target", url],
      ]) {
        const run = await world.keysync(args);
        expect({ host, code: run.code, refused: run.stderr.includes("refusing plain http") }).toEqual({
          host,
          code: 1,
          refused: true,
        });
      }
      // The same URL from the environment is judged by the same rule.
      const fromEnv = await world.keysync(["plan"], { env: { ORY_SDK_URL: url } });
      expect(fromEnv.stderr).toContain("refusing plain http");
    }
    expect(world.server.requests).toEqual([]);
    expect(world.exists("keysync.state.json")).toBe(false);
  });

  it("is allowed to every spelling of a loopback address", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const port = new URL(world.server.url).port;
    for (const host of ["127.1", "0x7f000001", "127.0.0.1", "LOCALHOST"]) {
      const mark = world.mark();
      const run = await world.keysync(["plan", "--target", `http://${host}:${port}`]);
      expect({ host, code: run.code }).toEqual({ host, code: 0 });
      expect(world.server.requests.slice(mark).map((r) => r.path)).toEqual(["/admin/keys/tokens"]);
    }
  });
});
