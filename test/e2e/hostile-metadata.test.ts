import { describe, expect, it } from "vitest";
import { privateEcJwk, specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";
import { onHydra } from "../support/ory-backend.js";

// Key metadata a server returns (alg, use, crv, kty) is validated when it arrives: a value that
// is not a JOSE name (escape sequences, CR/LF, bidi overrides, non-ASCII) is refused as a
// malformed answer, never printed, never an internal error.
let world: E2eWorld;
worldPerTest((w) => (world = w));

const HOSTILE: readonly [string, string][] = [
  ["alg", "ES256\u001b[2K\rPlan: 0 to add, 0 to change, 0 to destroy."],
  ["use", "sig\nPlan: 0 to add"],
  ["alg", "ES256\u202e652SE"],
  ["alg", "ÉS256"],
  // Real Hydra refuses an unknown curve itself (go-jose decodes crv); the embedded server stores it.
  ...(onHydra ? [] : [["crv", "P-256\u0007"] as [string, string]]),
];

/** Nothing printed holds a control character other than newline, or a bidi override. */
function expectPrintable(text: string): void {
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
}

describe("hostile key metadata from the server", () => {
  it("is refused cleanly by plan and apply of a managed set, with nothing written", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    expect((await world.keysync(["apply", "--auto-approve"])).code).toBe(0);
    await world.learnKeys("tokens");
    for (const [member, value] of HOSTILE) {
      const intruder = { ...privateEcJwk("intruder"), [member]: value };
      world.canary.addJwk(intruder, "intruder");
      await world.server.putRaw("tokens", intruder);
      const mark = world.mark();
      for (const args of [["plan"], ["apply", "--auto-approve"], ["plan", "--json"]]) {
        const run = await world.keysync(args);
        expect({ member, args, code: run.code }).toEqual({ member, args, code: 1 });
        expect(run.stderr).toContain("is malformed");
        expect(run.stderr).not.toMatch(/internal error/i);
        expectPrintable(run.stdout + run.stderr);
      }
      expect(world.writesSince(mark)).toEqual([]);
      await world.server.deleteRaw("tokens", "intruder");
    }
    // Once the server is sane again, so is keysync: nothing was left half-done.
    const plan = await world.keysync(["plan", "--detailed-exitcode"]);
    expect(plan.code).toBe(0);
  });

  it("is refused cleanly by import", async () => {
    for (const [member, value] of HOSTILE) {
      await world.server.deleteRaw("legacy");
      const key = { ...privateEcJwk("k1"), [member]: value };
      world.canary.addJwk(key, "legacy");
      await world.server.putRaw("legacy", key);
      world.write("keysets.yaml", specYaml({ legacy: ["k1:ES256"] }));
      const run = await world.keysync(["import", "legacy"]);
      expect({ member, code: run.code }).toEqual({ member, code: 1 });
      expect(run.stderr).not.toMatch(/internal error/i);
      expectPrintable(run.stdout + run.stderr);
      expect(world.exists("keysync.state.json")).toBe(false);
    }
  });
});
