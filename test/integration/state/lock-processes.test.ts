import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { acquireLock, forceUnlock } from "../../../src/state/lock.js";
import type { LockInfo } from "../../../src/state/lock-info.js";
import { StateLockedError } from "../../../src/state/state-locked-error.js";

// T4 (research/reliability.md §7), as Terraform's TestFilesystemLocks: the lock is held by a
// separate OS process (test/support/lock-holder.mjs, using the built dist/state/lock.js).
const HOLDER = fileURLToPath(new URL("../../support/lock-holder.mjs", import.meta.url));

type HolderEvent =
  | { event: "acquired"; info: LockInfo }
  | { event: "stale"; info: LockInfo }
  | { event: "failed"; name: string; message: string }
  | { event: "released" };

interface Holder {
  readonly child: ChildProcessWithoutNullStreams;
  /** The next event the holder prints. */
  next(): Promise<HolderEvent>;
  readonly exited: Promise<void>;
}

const children: ChildProcessWithoutNullStreams[] = [];

function startHolder(statePath: string, timeoutMs = 0): Holder {
  const child = spawn(process.execPath, [HOLDER, statePath, "apply", String(timeoutMs)]);
  children.push(child);
  const queue: HolderEvent[] = [];
  const waiting: ((e: HolderEvent) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const event = JSON.parse(line) as HolderEvent;
    const take = waiting.shift();
    if (take === undefined) queue.push(event);
    else take(event);
  });
  return {
    child,
    next: () => {
      const queued = queue.shift();
      return queued === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(queued);
    },
    exited: new Promise((resolve) =>
      child.on("exit", () => {
        resolve();
      }),
    ),
  };
}

async function acquired(holder: Holder): Promise<LockInfo> {
  const event = await holder.next();
  if (event.event !== "acquired") throw new Error(`holder did not acquire: ${JSON.stringify(event)}`);
  return event.info;
}

let dir: string;
let statePath: string;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL("../../../dist/state/lock.js", import.meta.url)))) {
    throw new Error("run `npm run build` first: the holder uses dist/state/lock.js");
  }
  dir = await mkdtemp(join(tmpdir(), "keysync-lock2-"));
  statePath = join(dir, "keysync.state.json");
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await rm(`${statePath}.lock`, { force: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the state lock across processes", () => {
  it("fails a second acquirer at once, naming the holding process and lock ID", async () => {
    const holder = startHolder(statePath);
    const info = await acquired(holder);
    expect(info.PID).toBe(holder.child.pid);

    const error = await acquireLock(statePath, { operation: "apply", timeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as StateLockedError).holder).toEqual(info);
    expect((error as Error).message).toContain(info.ID);
    expect((error as Error).message).toContain(`pid ${info.PID}`);

    holder.child.stdin.write("release\n");
    expect(await holder.next()).toEqual({ event: "released" });
    await holder.exited;
    expect(await readdir(dir)).toEqual([]);
  });

  it("succeeds with a timeout once the holder releases", async () => {
    const holder = startHolder(statePath);
    const info = await acquired(holder);
    const waited: LockInfo[] = [];
    setTimeout(() => holder.child.stdin.write("release\n"), 400);
    const lock = await acquireLock(statePath, {
      operation: "apply",
      timeoutMs: 30_000,
      onWait: (h) => waited.push(h),
    });
    expect(waited).toEqual([info]);
    await lock.release();
  });

  it("a waiting process gets the lock when the holder releases", async () => {
    const lock = await acquireLock(statePath, { operation: "apply", timeoutMs: 0 });
    const waiter = startHolder(statePath, 30_000);
    setTimeout(() => void lock.release(), 300);
    const info = await acquired(waiter);
    expect(info.PID).toBe(waiter.child.pid);
  });

  it("takes over the lock of a SIGKILLed holder as stale, and says so", async () => {
    const holder = startHolder(statePath);
    const info = await acquired(holder);
    holder.child.kill("SIGKILL");
    await holder.exited;

    const told: LockInfo[] = [];
    const lock = await acquireLock(statePath, {
      operation: "apply",
      timeoutMs: 0,
      onStaleTakeover: (s) => told.push(s),
    });
    expect(told).toEqual([info]);
    await lock.release();
  });

  it("force-unlock needs the holder's lock ID", async () => {
    const holder = startHolder(statePath);
    const info = await acquired(holder);
    const refused = await forceUnlock(statePath, "00000000-0000-4000-8000-000000000000").catch(
      (e: unknown) => e,
    );
    expect(String(refused)).toContain("does not match the lock");
    expect(String(refused)).not.toContain(info.ID);
    await forceUnlock(statePath, info.ID);
    const lock = await acquireLock(statePath, { operation: "apply", timeoutMs: 0 });
    await lock.release();
  });

  it("never lets two processes hold the lock: 25 racing pairs", async () => {
    for (let pair = 0; pair < 25; pair += 1) {
      const a = startHolder(statePath);
      const b = startHolder(statePath);
      const events = await Promise.all([a.next(), b.next()]);
      expect(events.filter((e) => e.event === "acquired")).toHaveLength(1);
      expect(events.filter((e) => e.event === "failed")).toHaveLength(1);
      for (const h of [a, b]) h.child.stdin.end();
      await Promise.all([a.exited, b.exited]);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it("lets exactly one of several processes take over a stale lock", async () => {
    for (let round = 0; round < 5; round += 1) {
      const first = startHolder(statePath);
      await acquired(first);
      first.child.kill("SIGKILL");
      await first.exited;
      const racers = Array.from({ length: 3 }, () => startHolder(statePath));
      const outcomes = await Promise.all(
        racers.map(async (r) => {
          const e = await r.next();
          return e.event === "stale" ? (await r.next()).event : e.event;
        }),
      );
      expect(outcomes.filter((e) => e === "acquired")).toHaveLength(1);
      expect(outcomes.filter((e) => e === "failed")).toHaveLength(2);
      for (const r of racers) r.child.stdin.end();
      await Promise.all(racers.map((r) => r.exited));
      expect(await readdir(dir)).toEqual([]);
    }
  });
});
