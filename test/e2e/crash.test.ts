import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

let world: E2eWorld;
worldPerTest((w) => (world = w));

// kill -9 at every write of an apply, and the recovery that follows, is the crash campaign in
// test/campaign/crash.test.ts (a 12-action plan, both sides of every write, seeded random kills).

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
    await world.learnKeys("slow");
    expect((await world.liveKids("slow")).sort()).toEqual(["a", "b", "c"]);
  });
});
