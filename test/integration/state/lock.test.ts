import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AbortedError, LockError } from "../../../src/errors.js";
import { acquireLock, forceUnlock, lockPathFor } from "../../../src/state/lock.js";
import type { LockInfo } from "../../../src/state/lock-info.js";
import { parseLockInfo } from "../../../src/state/lock-info.js";
import { StateLockedError } from "../../../src/state/state-locked-error.js";
import { withStateLock } from "../../../src/state/with-lock.js";

let dir: string;
let statePath: string;
let lockPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "keysync-lock-"));
  statePath = join(dir, "keysync.state.json");
  lockPath = lockPathFor(statePath);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readLock = async (): Promise<LockInfo | null> => parseLockInfo(await readFile(lockPath, "utf8"));
const names = async (): Promise<string[]> => (await readdir(dir)).sort();

/** A lock file as another process (alive or not, here or elsewhere) would have left it. */
async function plantLock(fields: Partial<LockInfo> = {}): Promise<LockInfo> {
  const info: LockInfo = {
    ID: "11111111-2222-4333-8444-555555555555",
    Operation: "apply",
    Who: `alice@${hostname()}`,
    Host: hostname(),
    PID: process.ppid,
    Created: "2026-11-24T00:00:00.000Z",
    Version: "0.1.0",
    Path: statePath,
    ...fields,
  };
  await writeFile(lockPath, JSON.stringify(info));
  return info;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid ?? 0;
}

describe("acquireLock", () => {
  it("creates a 0600 lock file with Terraform's LockInfo fields plus Host and PID, and releases it", async () => {
    const lock = await acquireLock(statePath, { operation: "state rm", timeoutMs: 0 });
    const info = await readLock();
    expect(info).toEqual(lock.info);
    expect(info).toMatchObject({
      Operation: "state rm",
      Host: hostname(),
      PID: process.pid,
      Path: statePath,
    });
    expect(info?.ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(info?.Who).toMatch(new RegExp(`^.+@${hostname()}$`));
    expect(Date.parse(info?.Created ?? "")).not.toBeNaN();
    expect((await stat(lockPath)).mode & 0o777).toBe(0o600);

    await lock.release();
    await lock.release(); // idempotent
    expect(await names()).toEqual([]);
  });

  it("fails at once, naming the holder and the lock ID, when a live process holds it", async () => {
    const holder = await plantLock();
    const error = await acquireLock(statePath, {
      operation: "apply",
      timeoutMs: 0,
      display: "st.json",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateLockedError);
    expect(error).toBeInstanceOf(LockError);
    const message = (error as Error).message;
    for (const fact of [holder.ID, holder.Who, `pid ${holder.PID}`, holder.Host, '"apply"', holder.Created]) {
      expect(message).toContain(fact);
    }
    expect(message).toContain(`keysync force-unlock ${holder.ID}`);
    expect((error as StateLockedError).lines().join("\n")).toContain(`Lock ID:   ${holder.ID}`);
    expect(await readLock()).toEqual(holder); // untouched
  });

  it("waits for the holder until --lock-timeout, telling onWait once", async () => {
    const first = await acquireLock(statePath, { operation: "apply", timeoutMs: 0 });
    const waits: LockInfo[] = [];
    setTimeout(() => void first.release(), 300);
    const second = await acquireLock(statePath, {
      operation: "apply",
      timeoutMs: 30_000,
      onWait: (h) => waits.push(h),
    });
    expect(waits).toEqual([first.info]);
    expect((await readLock())?.ID).toBe(second.info.ID);
    await second.release();
  });

  it("gives up after the timeout with the holder named", async () => {
    const holder = await plantLock();
    await expect(acquireLock(statePath, { operation: "apply", timeoutMs: 250 })).rejects.toThrow(holder.ID);
  });

  it("stops waiting when aborted", async () => {
    await plantLock();
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 100);
    await expect(
      acquireLock(statePath, { operation: "apply", timeoutMs: 60_000, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it("takes over a stale lock of a dead process on this host, and says so", async () => {
    const stale = await plantLock({ PID: await deadPid() });
    const told: LockInfo[] = [];
    const lock = await acquireLock(statePath, {
      operation: "apply",
      timeoutMs: 0,
      onStaleTakeover: (s) => told.push(s),
    });
    expect(told).toEqual([stale]);
    expect((await readLock())?.ID).toBe(lock.info.ID);
    await lock.release();
    expect(await names()).toEqual([]);
  });

  it("does not take over a lock from another host, whatever its PID", async () => {
    await plantLock({ Host: "elsewhere.example", PID: await deadPid() });
    await expect(acquireLock(statePath, { operation: "apply", timeoutMs: 0 })).rejects.toBeInstanceOf(
      StateLockedError,
    );
  });

  it("lets exactly one of several racing acquirers take over a stale lock", async () => {
    for (let round = 0; round < 10; round += 1) {
      await plantLock({ PID: await deadPid() });
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => acquireLock(statePath, { operation: "apply", timeoutMs: 0 })),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(StateLockedError);
      const winner = won[0]?.status === "fulfilled" ? won[0].value : undefined;
      expect((await readLock())?.ID).toBe(winner?.info.ID);
      await winner?.release();
      expect(await names()).toEqual([]);
    }
  });

  it("treats a takeover guard older than 10 s as abandoned", async () => {
    await plantLock({ PID: await deadPid() });
    const guard = `${lockPath}.takeover`;
    await writeFile(guard, JSON.stringify({ token: "t", pid: process.ppid, host: hostname() }));
    const old = new Date(Date.now() - 60_000);
    await utimes(guard, old, old);
    const lock = await acquireLock(statePath, { operation: "apply", timeoutMs: 0 });
    expect(await names()).toEqual(["keysync.state.json.lock"]);
    await lock.release();
  });

  it("refuses a lock file that does not parse, and leaves it alone", async () => {
    await writeFile(lockPath, "{ half a lock");
    const error = await acquireLock(statePath, {
      operation: "apply",
      timeoutMs: 0,
      display: "st.json",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect((error as Error).message).toMatch(/^st\.json\.lock exists but is not a keysync lock file/);
    expect(await readFile(lockPath, "utf8")).toBe("{ half a lock");
  });

  it("never removes a lock that is no longer its own on release", async () => {
    const lock = await acquireLock(statePath, { operation: "apply", timeoutMs: 0 });
    await rm(lockPath);
    const other = await plantLock();
    await lock.release();
    expect(await readLock()).toEqual(other);
  });

  it("withStateLock releases the lock whether the body succeeds or fails", async () => {
    expect(
      await withStateLock(statePath, { operation: "import", timeoutMs: 0 }, () => Promise.resolve(42)),
    ).toBe(42);
    expect(await names()).toEqual([]);
    const boom = new Error("boom");
    await expect(
      withStateLock(statePath, { operation: "import", timeoutMs: 0 }, () => Promise.reject(boom)),
    ).rejects.toBe(boom);
    expect(await names()).toEqual([]);
  });
});

describe("forceUnlock", () => {
  it("removes the lock when the ID matches, and returns what it held", async () => {
    const holder = await plantLock();
    expect(await forceUnlock(statePath, holder.ID)).toEqual(holder);
    expect(await names()).toEqual([]);
  });

  it("refuses a wrong ID, naming the holder but never its lock ID, and keeps the lock", async () => {
    const holder = await plantLock();
    const error = await forceUnlock(statePath, "22222222-0000-4000-8000-000000000000", "st.json").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockError);
    expect((error as Error).message).toContain("does not match the lock on st.json");
    // The ID is the confirmation: a refusal that printed it would hand it to anyone who guessed.
    expect((error as Error).message).not.toContain(holder.ID);
    expect((error as Error).message).toContain(holder.Who);
    expect(await readLock()).toEqual(holder);
  });

  it("says so when no lock is held", async () => {
    await expect(forceUnlock(statePath, "x", "st.json")).rejects.toThrow("no lock is held on st.json");
  });

  it("refuses a lock file that does not parse", async () => {
    await writeFile(lockPath, "");
    await expect(forceUnlock(statePath, "x")).rejects.toThrow(/not a keysync lock file/);
    expect(await names()).toEqual(["keysync.state.json.lock"]);
  });
});
