import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileError, InternalError, StateError } from "../../../src/errors.js";
import { parseState, serializeState } from "../../../src/state/codec.js";
import { StateStore } from "../../../src/state/store.js";
import type { ManagedKey, State } from "../../../src/state/types.js";
import { KEYSYNC_VERSION } from "../../../src/version.js";

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "keysync-store-"));
  path = join(dir, "keysync.state.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LINEAGE = "0b9c8f1e-2f0a-4c55-9d3e-5a8f7c6b1a20";
const key = (kid: string, thumbprint = `tp-${kid}`): ManagedKey => ({
  kid,
  kty: "RSA",
  alg: "RS256",
  use: "sig",
  thumbprint,
  origin: "generated",
  hasPrivate: true,
});
const addKey =
  (setId: string, k: ManagedKey) =>
  (s: State): State => {
    const keys = [...(s.sets.get(setId)?.keys ?? []).filter((x) => x.kid !== k.kid), k];
    return { ...s, sets: new Map(s.sets).set(setId, { setId, keys }) };
  };
const withTarget = (target: string) => (s: State) => ({ ...s, target });
const onDisk = async (): Promise<State> => parseState(await readFile(path, "utf8"), "s");
const names = async (): Promise<string[]> => (await readdir(dir)).sort();
const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

/** An existing state file as an older keysync would have written it: unsorted, compact. */
const OLD_TEXT =
  `{"version":1,"lineage":"${LINEAGE}","serial":4,"keysync_version":"0.0.9","target":null,` +
  `"sets":{"b":{"keys":[]},"a":{"keys":[]}},"pending":[]}`;

describe("StateStore", () => {
  it("starts a new state with a fresh lineage and creates no file until the first update", async () => {
    const store = await StateStore.open(path, "keysync.state.json");
    expect(store.exists).toBe(false);
    expect(store.current.serial).toBe(0);
    expect(store.current.lineage).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(await names()).toEqual([]);

    await store.update(withTarget("http://127.0.0.1:4445"));
    const disk = await onDisk();
    expect(disk).toMatchObject({
      serial: 1,
      lineage: store.current.lineage,
      target: "http://127.0.0.1:4445",
    });
    expect(await names()).toEqual(["keysync.state.json"]); // no backup: nothing existed
  });

  it("bumps the serial only when content changes, and keeps the lineage", async () => {
    await writeFile(path, OLD_TEXT);
    const store = await StateStore.open(path, "s");
    expect(store.exists).toBe(true);

    await store.update((s) => s); // identical content, even though the file is unsorted and old
    await store.update(withTarget("http://x"));
    await store.update(withTarget("http://x"));
    await store.update(addKey("a", key("k1")));
    await store.update(addKey("a", key("k1")));

    expect(store.writes).toBe(2);
    const disk = await onDisk();
    expect(disk.serial).toBe(6);
    expect(disk.lineage).toBe(LINEAGE);
    expect(disk.keysyncVersion).toBe(KEYSYNC_VERSION);
    expect(store.current).toEqual(disk);
  });

  it("writes nothing at all, not even a backup, when nothing changes", async () => {
    await writeFile(path, OLD_TEXT);
    const before = await stat(path);
    const store = await StateStore.open(path, "s");
    await store.update((s) => ({ ...s, sets: new Map([...s.sets].reverse()) }));
    expect(store.writes).toBe(0);
    expect(await readFile(path, "utf8")).toBe(OLD_TEXT);
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
    expect(await names()).toEqual(["keysync.state.json"]);
  });

  it("keeps the file as read at open in .backup, written once per run", async () => {
    await writeFile(path, OLD_TEXT);
    const run1 = await StateStore.open(path, "s");
    await run1.update(withTarget("http://one"));
    await run1.update(withTarget("http://two"));
    expect(await readFile(`${path}.backup`, "utf8")).toBe(OLD_TEXT);

    const afterRun1 = await readFile(path, "utf8");
    const run2 = await StateStore.open(path, "s");
    await run2.update(withTarget("http://three"));
    expect(await readFile(`${path}.backup`, "utf8")).toBe(afterRun1);
    expect(await mode(`${path}.backup`)).toBe(0o600);
  });

  it.each([0, 0o277])("writes state and backup with mode 0600 under umask %o", async (umask) => {
    await writeFile(path, OLD_TEXT, { mode: 0o644 });
    const old = process.umask(umask);
    try {
      const store = await StateStore.open(path, "s");
      await store.update(withTarget("http://x"));
    } finally {
      process.umask(old);
    }
    expect(await mode(path)).toBe(0o600);
    expect(await mode(`${path}.backup`)).toBe(0o600);
  });

  it.each([
    [
      "from a newer keysync",
      '{"version": 2, "whatever": true}\n',
      /was written by a newer keysync \(state version 2\); upgrade keysync/,
    ],
    ["that is not JSON", '{"version": 1, "lineage": "x", "seri', /is not valid JSON/],
    ["of the wrong shape", OLD_TEXT.replace('"serial":4', '"serial":"4"'), /serial must be a whole number/],
    ["with a __proto__ set", OLD_TEXT.replace('"b":', '"__proto__":'), /invalid set ID/],
  ])("refuses a file %s and leaves it byte for byte untouched", async (_, text, message) => {
    await writeFile(path, text, { mode: 0o644 });
    const before = await stat(path);
    const error = await StateStore.open(path, "keysync.state.json").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^keysync\.state\.json[ :]/);
    expect((error as Error).message).toContain("left the file untouched");
    expect(await readFile(path, "utf8")).toBe(text);
    expect(await stat(path)).toMatchObject({ mtimeMs: before.mtimeMs, mode: before.mode, ino: before.ino });
    expect(await names()).toEqual(["keysync.state.json"]);
  });

  it("names the backup when it refuses a file that has one", async () => {
    await writeFile(path, "garbage");
    await writeFile(`${path}.backup`, OLD_TEXT);
    await expect(StateStore.open(path, "st.json")).rejects.toThrow(/st\.json\.backup holds the state/);
  });

  it("refuses a file that is not UTF-8", async () => {
    await writeFile(path, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    await expect(StateStore.open(path, "s")).rejects.toThrow(/s is not UTF-8 text/);
  });

  it("makes every one of many concurrent updates durable, in far fewer writes", async () => {
    const store = await StateStore.open(path, "s");
    const WORKERS = 8;
    const PER_WORKER = 50;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; i < PER_WORKER; i += 1) {
        const kid = `k-${w}-${i}`;
        await store.update(addKey(`set-${w}`, key(kid)));
        // Resolved only once a write holding this change is on disk.
        const disk = await onDisk();
        expect(disk.sets.get(`set-${w}`)?.keys.some((k) => k.kid === kid)).toBe(true);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    const calls = WORKERS * PER_WORKER;
    const disk = await onDisk();
    expect([...disk.sets.values()].reduce((n, s) => n + s.keys.length, 0)).toBe(calls);
    expect(store.writes).toBeLessThanOrEqual(calls / 4);
    expect(disk.serial).toBe(store.writes);
  });

  it("coalesces a synchronous burst of updates into one write", async () => {
    const store = await StateStore.open(path, "s");
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.update(addKey("s", key(`k${i}`)))));
    expect(store.writes).toBe(1);
    expect((await onDisk()).sets.get("s")?.keys).toHaveLength(1000);
  });

  it("rejects an update whose mutation throws, and changes nothing", async () => {
    const store = await StateStore.open(path, "s");
    const boom = new Error("boom");
    await expect(
      store.update(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(store.update((s) => ({ ...s, lineage: "other" }))).rejects.toBeInstanceOf(InternalError);
    expect(store.current.serial).toBe(0);
    expect(await names()).toEqual([]);
  });

  it("rejects an update that would make the state unreadable", async () => {
    const store = await StateStore.open(path, "s");
    await expect(store.update(addKey("not valid", key("k")))).rejects.toBeInstanceOf(InternalError);
    expect(await names()).toEqual([]);
  });

  it("fails a write cleanly: FileError, no temp file left", async () => {
    const store = await StateStore.open(path, "keysync.state.json");
    await mkdir(path); // rename over a non-empty directory fails
    await writeFile(join(path, "x"), "");
    const error = await store.update(withTarget("http://x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toMatch(/^cannot write keysync\.state\.json: /);
    expect(await names()).toEqual(["keysync.state.json"]);
  });

  it("fails with FileError when the directory does not exist", async () => {
    const store = await StateStore.open(join(dir, "nope", "s.json"), "nope/s.json");
    await expect(store.update(withTarget("http://x"))).rejects.toThrow(
      "cannot write nope/s.json: no such file or directory",
    );
  });

  it("writes through a symlinked state path and keeps the link", async () => {
    const real = join(dir, "real.json");
    await writeFile(real, OLD_TEXT);
    await symlink(real, path);
    const store = await StateStore.open(path, "s");
    await store.update(withTarget("http://x"));
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(parseState(await readFile(real, "utf8"), "s").target).toBe("http://x");
  });

  it("removes temp files of dead processes on this host at open, and only those", async () => {
    await writeFile(path, serializeState(parseState(OLD_TEXT, "s")));
    const host = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
    const dead = await deadPid();
    const live = process.ppid;
    const files = {
      dead: `keysync.state.json.tmp-${host}-${dead}-0123abcd`,
      deadBackup: `keysync.state.json.backup.tmp-${host}-${dead}-0123abcd`,
      live: `keysync.state.json.tmp-${host}-${live}-0123abcd`,
      otherHost: `keysync.state.json.tmp-${host === "00000000" ? "11111111" : "00000000"}-${dead}-0123abcd`,
      unrelated: "keysync.state.json.tmp-notes",
    };
    for (const name of Object.values(files)) await writeFile(join(dir, name), "partial");
    await StateStore.open(path, "s");
    expect(await names()).toEqual(
      ["keysync.state.json", files.live, files.otherHost, files.unrelated].sort(),
    );
  });
});

/** A PID that was just in use and is now free. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  if (child.pid === undefined) throw new Error("no pid");
  return child.pid;
}
