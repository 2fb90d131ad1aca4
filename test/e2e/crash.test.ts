import { generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { calculateJwkThumbprint } from "jose";
import type { JWK } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWrite } from "../../src/server/index.js";
import { E2eWorld, specYaml } from "../support/e2e-kit.js";

let world: E2eWorld;
beforeEach(async () => {
  world = await E2eWorld.start();
});
afterEach(async () => {
  world.expectNoSecrets();
  await world.stop();
});

/**
 * The plan under test, per set: regenerate x1 (DELETE + POST), create n1 n2 n3 (POST), upload s1
 * (PUT), delete x2 (DELETE): 7 writes in a fixed order.
 */
function before(setId: string): string {
  return specYaml({ [setId]: ["x1:ES256", "x2:ES256"] });
}
function after(setId: string): string {
  return specYaml({
    [setId]: [
      "x1:EdDSA",
      "n1:ES256",
      "n2:EdDSA",
      { source: "file:s1.pem", alg: "ES256", kid: "s1" },
      "n3:ES384",
    ],
  });
}
const DECLARED_AFTER = ["n1", "n2", "n3", "s1", "x1"];
const WRITES_IN_PLAN = 7;

async function expectConverged(setId: string): Promise<void> {
  const live = world.server.keys(setId);
  // No duplicate and nothing undeclared: Ory holds exactly the declared kids.
  expect(live.map((k) => String(k.kid)).sort()).toEqual(DECLARED_AFTER);
  // No orphan: every live key is recorded in state with its thumbprint.
  const state = JSON.parse(readFileSync(world.path("keysync.state.json"), "utf8")) as {
    sets: Record<string, { keys: { kid: string; thumbprint: string }[] }>;
    pending: unknown[];
  };
  const recorded = new Map((state.sets[setId]?.keys ?? []).map((k) => [k.kid, k.thumbprint]));
  for (const k of live) expect(recorded.get(String(k.kid))).toBe(await calculateJwkThumbprint(k as JWK));
  expect(state.pending).toEqual([]);
  expect((await world.keysync(["plan", "--detailed-exitcode"])).code).toBe(0);
}

describe("apply survives kill -9", () => {
  it("at every write of a mixed plan, before and after the server answers: the next apply converges", async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    world.write("s1.pem", pem.export({ type: "pkcs8", format: "pem" }) as string);
    world.canary.addJwk(pem.export({ format: "jwk" }), "s1");

    // The world before the plan, made once and restored before every kill: keys in Ory's order
    // and the state file that records them.
    const setId = "crash";
    world.write("keysets.yaml", before(setId));
    expect((await world.keysync(["apply", "--auto-approve"])).code).toBe(0);
    world.learnKeys(setId);
    const liveBefore = world.server.keys(setId);
    const stateBefore = readFileSync(world.path("keysync.state.json"), "utf8");
    world.write("keysets.yaml", after(setId));

    let kills = 0;
    for (let k = 1; k <= WRITES_IN_PLAN; k++) {
      for (const whenMs of [0, 60]) {
        await world.server.deleteRaw(setId);
        for (const jwk of [...liveBefore].reverse()) await world.server.putRaw(setId, jwk);
        writeFileSync(world.path("keysync.state.json"), stateBefore);

        // Kill the apply when the server receives its k-th write: at once (the write may commit
        // with nobody to hear the answer) or after the answer was sent (before state is saved).
        let child: ChildProcess | undefined;
        let writes = 0;
        const mark = world.mark();
        world.server.setLatency(20);
        world.server.setFaults((req) => {
          if (isWrite(req) && ++writes === k) setTimeout(() => child?.kill("SIGKILL"), whenMs);
          return null;
        });
        const run = await world.keysync(["apply", "--auto-approve"], { onSpawn: (c) => (child = c) });
        // A kill scheduled after the last answer can land after apply already finished.
        if (run.signal === "SIGKILL") kills += 1;
        else expect(run.code).toBe(0);
        world.learnKeys(setId);
        world.server.setFaults(null);
        world.server.setLatency(null);

        // The state file always parses, whatever instant the kill landed on.
        expect(
          () => JSON.parse(readFileSync(world.path("keysync.state.json"), "utf8")) as unknown,
        ).not.toThrow();
        const recovered = await world.keysync(["apply", "--auto-approve"]);
        expect(recovered.code).toBe(0);
        world.learnKeys(setId);
        await expectConverged(setId);
        // Every write that reached the server committed (it finishes a request whose client
        // died), so each key is created exactly once across the killed run and the recovery:
        // an unfinished write is settled by reading, never repeated or "repaired" by a replace.
        const creations = world
          .writesSince(mark)
          .filter((r) => r.method === "POST" || r.method === "PUT")
          .map((r) => r.kid ?? (r.body as { kid?: string }).kid);
        expect(creations.sort()).toEqual(DECLARED_AFTER);
        expect(existsSync(world.path("keysync.state.json.lock"))).toBe(false);
      }
    }
    expect(kills).toBeGreaterThanOrEqual(WRITES_IN_PLAN * 2 - 1);
  });
});

describe("two applies at once", () => {
  it("the second fails at once, naming the lock and its holder; the first finishes", async () => {
    world.write("keysets.yaml", specYaml({ slow: ["a:ES256", "b:ES256", "c:ES256"] }));
    world.server.setLatency(400);
    const first = world.keysync(["apply", "--auto-approve"]);
    // Wait until the first apply has taken the lock and is talking to Ory.
    while (world.server.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    const lock = JSON.parse(readFileSync(world.path("keysync.state.json.lock"), "utf8")) as {
      ID: string;
      Operation: string;
    };
    expect(lock.Operation).toBe("apply");

    const second = await world.keysync(["apply", "--auto-approve"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(lock.ID);
    expect(second.stderr).toContain("keysync force-unlock");
    expect((await first).code).toBe(0);
    world.learnKeys("slow");
    expect(world.liveKids("slow").sort()).toEqual(["a", "b", "c"]);
  });
});
