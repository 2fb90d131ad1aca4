import { execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// The state file is reached by whatever path the user gives; the lock must follow the file, not
// the path (issue 16 #6), and a path that is not a small regular file must be refused without
// reading it to the end or waiting on it (#7).
let world: E2eWorld;
worldPerTest((w) => (world = w));

const SPEC = specYaml({ app: ["a:ES256", "b:ES256"] });

/** Starts an apply through `state` that holds the lock on a slow server until a POST is in flight. */
async function holdingApply(
  state: string,
): Promise<{ child: () => ChildProcess | undefined; done: Promise<unknown> }> {
  world.server.setLatency(1500);
  let child: ChildProcess | undefined;
  const done = world.keysync(["apply", "--auto-approve", "--state", state], { onSpawn: (c) => (child = c) });
  while (!world.server.requests.some((r) => r.method === "POST")) await new Promise((r) => setTimeout(r, 10));
  return { child: () => child, done };
}

describe("a state file reached by two paths", () => {
  it.each([
    ["a symlink to the file", "link.json"],
    ["a symlinked directory", "linked-dir/keysync.state.json"],
    ["a path through ..", "real/../real/./keysync.state.json"],
  ])(
    "through %s shares the first path's lock: the second apply is refused, nothing lost",
    async (_, other) => {
      mkdirSync(world.path("real"));
      world.write("keysets.yaml", SPEC);
      const real = "real/keysync.state.json";
      // No state yet: a symlink to a file that does not exist is followed too.
      symlinkSync("real/keysync.state.json", world.path("link.json"));
      symlinkSync("real", world.path("linked-dir"));

      const first = await holdingApply(real);
      const second = await world.keysync([
        "apply",
        "--auto-approve",
        "--state",
        other,
        "--lock-timeout",
        "0s",
      ]);
      await first.done;
      world.server.setLatency(null);

      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`${other} is locked by another keysync`);
      expect(second.stderr).toMatch(/^ {2}Operation: apply$/m);
      await world.learnKeys("app");
      const recorded = world
        .state(real)
        .sets["app"]?.keys.map((k) => k.kid)
        .sort();
      expect(recorded).toEqual(["a", "b"]);
      expect((await world.liveKids("app")).sort()).toEqual(["a", "b"]);
      expect(world.exists("real/keysync.state.json.lock")).toBe(false);
    },
  );
});

describe("a state path that is not a small regular file", () => {
  it.each([
    [
      "a symlink to /dev/zero",
      () => {
        symlinkSync("/dev/zero", world.path("keysync.state.json"));
      },
      /is a device, not a regular file/,
    ],
    [
      "a named pipe",
      () => execFileSync("mkfifo", [world.path("keysync.state.json")]),
      /is a named pipe \(FIFO\), not a regular file/,
    ],
    [
      "a directory",
      () => {
        mkdirSync(world.path("keysync.state.json"));
      },
      /is a directory, not a regular file/,
    ],
    [
      "a 65 MiB file",
      () => {
        writeFileSync(world.path("keysync.state.json"), "");
        truncateSync(world.path("keysync.state.json"), 65 * 1024 * 1024);
      },
      /is 68157440 bytes; state files are limited to 67108864 \(64 MiB\)/,
    ],
  ])("(%s) is refused in one line by plan, apply and import, with nothing sent", async (_, make, reason) => {
    world.write("keysets.yaml", SPEC);
    make();
    const mark = world.mark();
    for (const args of [["plan"], ["apply", "--auto-approve"], ["import", "app"], ["state", "list"]]) {
      const run = await world.keysync(args);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      const lines = run.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Error: the state file keysync\.state\.json /);
      expect(lines[0]).toMatch(reason);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(world.writesSince(mark)).toEqual([]);
    expect(world.exists("keysync.state.json.lock")).toBe(false);
  });

  it.each([
    [
      "/dev/zero",
      () => {
        symlinkSync("/dev/zero", world.path("plan.json"));
      },
      /is a device/,
    ],
    ["a named pipe", () => execFileSync("mkfifo", [world.path("plan.json")]), /is a named pipe \(FIFO\)/],
    [
      "a 65 MiB file",
      () => {
        writeFileSync(world.path("plan.json"), "");
        truncateSync(world.path("plan.json"), 65 * 1024 * 1024);
      },
      /is 68157440 bytes; plan files are limited/,
    ],
  ])("as a saved plan (%s) is refused by apply in one line", async (_, make, reason) => {
    world.write("keysets.yaml", SPEC);
    make();
    const mark = world.mark();
    const run = await world.keysync(["apply", "plan.json"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^Error: plan\.json is not a keysync plan file: it /);
    expect(run.stderr).toMatch(reason);
    expect(world.writesSince(mark)).toEqual([]);
  });
});

describe("a state whose lock file is not a regular file", () => {
  it("does not hang: a FIFO lock is reported as a lock that cannot be read", async () => {
    world.write("keysets.yaml", SPEC);
    execFileSync("mkfifo", [world.path("keysync.state.json.lock")]);
    const run = await world.keysync(["apply", "--auto-approve", "--lock-timeout", "0s"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(world.path("keysets.yaml"), "utf8")).toBe(SPEC);
  });
});
