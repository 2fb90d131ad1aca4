import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";
import type { CliResult } from "../support/run-cli.js";

// SIGTERM and SIGINT always end keysync (issue 16 #7): the first one stops gracefully, but a
// request that never answers cannot hold the process past the grace period; a second signal
// exits at once. Either way the lock is released and the next run converges.
let world: E2eWorld;
worldPerTest((w) => (world = w));

/** Far longer than any test: the server simply never answers the request. */
const NEVER = 10 * 60 * 1000;

async function applyStuckOnPost(): Promise<{ child: ChildProcess; done: Promise<CliResult> }> {
  world.write("keysets.yaml", specYaml({ app: ["a:ES256", "b:ES256"] }));
  world.server.setLatency((r) => (r.method === "POST" ? NEVER : 0));
  let child: ChildProcess | undefined;
  const done = world.keysync(["apply", "--auto-approve"], { onSpawn: (c) => (child = c) });
  while (!world.server.requests.some((r) => r.method === "POST")) await new Promise((r) => setTimeout(r, 10));
  if (child === undefined) throw new Error("no child");
  return { child, done };
}

async function convergesAfterwards(): Promise<void> {
  world.server.setLatency(null);
  const rerun = await world.keysync(["apply", "--auto-approve"]);
  expect(rerun.code).toBe(0);
  await world.learnKeys("app");
  expect((await world.liveKids("app")).sort()).toEqual(["a", "b"]);
  expect(
    world
      .state()
      .sets["app"]?.keys.map((k) => k.kid)
      .sort(),
  ).toEqual(["a", "b"]);
}

describe("an interrupted apply whose request never answers", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "ends on one %s after the grace period, lock released, and the rerun converges",
    async (sig, code) => {
      const { child, done } = await applyStuckOnPost();
      child.kill(sig);
      const stopped = await done;
      expect(stopped.code).toBe(code);
      expect(stopped.stderr).toContain("Interrupt received: finishing 1 request in flight, then stopping");
      expect(stopped.stderr).toMatch(/Still not stopped 5s after the interrupt: exiting now/);
      expect(world.exists("keysync.state.json.lock")).toBe(false);
      // The unanswered write is recorded as an intent, settled by the next run.
      expect(world.state().pending.length).toBeGreaterThan(0);
      await convergesAfterwards();
    },
  );

  it("ends at once on a second signal, lock released, and the rerun converges", async () => {
    const { child, done } = await applyStuckOnPost();
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGTERM");
    const stopped = await done;
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toContain("Second interrupt: exiting now.");
    expect(stopped.stderr).not.toContain("Still not stopped");
    expect(world.exists("keysync.state.json.lock")).toBe(false);
    await convergesAfterwards();
  });
});

describe("an interrupted plan whose read never answers", () => {
  it("ends on SIGTERM, lock released", async () => {
    world.write("keysets.yaml", specYaml({ app: ["a:ES256"] }));
    world.server.setLatency(NEVER);
    let child: ChildProcess | undefined;
    const done = world.keysync(["plan"], { onSpawn: (c) => (child = c) });
    while (world.server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    child?.kill("SIGTERM");
    const stopped = await done;
    expect(stopped.code).not.toBe(0);
    expect(stopped.signal).toBeNull();
    expect(world.exists("keysync.state.json.lock")).toBe(false);
    expect(world.exists("keysync.state.json")).toBe(false);
  });
});
