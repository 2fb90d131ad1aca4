import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseState, serializeState } from "../../src/state/codec.js";
import type { LockInfo } from "../../src/state/lock-info.js";
import type { ManagedKey, State } from "../../src/state/types.js";
import { CLI, runCli } from "../support/run-cli.js";

// The built CLI (dist/cli.js) run as a child process on state files this test writes.
const HOLDER = fileURLToPath(new URL("../support/lock-holder.mjs", import.meta.url));
const LINEAGE = "0b9c8f1e-2f0a-4c55-9d3e-5a8f7c6b1a20";

const key = (kid: string, fields: Partial<ManagedKey> = {}): ManagedKey => ({
  kid,
  kty: "RSA",
  alg: "RS256",
  use: "sig",
  thumbprint: `NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9X${kid.length}`,
  origin: "generated",
  hasPrivate: true,
  ...fields,
});

const STATE: State = {
  lineage: LINEAGE,
  serial: 7,
  keysyncVersion: "0.1.0",
  target: "http://127.0.0.1:4445",
  sets: new Map([
    [
      "token-signing",
      {
        setId: "token-signing",
        keys: [key("sig-2026-05", { alg: null, use: null, origin: "imported" }), key("sig-2026-11")],
      },
    ],
    [
      "partner-keys",
      { setId: "partner-keys", keys: [key("partner-a", { origin: "source", hasPrivate: false })] },
    ],
    ["empty-set", { setId: "empty-set", keys: [] }],
  ]),
  pending: [
    { op: "generate-key", setId: "token-signing", kid: "sig-2027-01", alg: "RS256", use: "sig" },
    { op: "delete-key", setId: "partner-keys", kid: "partner-old" },
  ],
};

let dir: string;
let statePath: string;
const holders: ChildProcessWithoutNullStreams[] = [];

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error("run `npm run build` first: these tests run dist/cli.js");
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "keysync-e2e-state-"));
  statePath = join(dir, "keysync.state.json");
});
afterEach(async () => {
  for (const child of holders.splice(0)) child.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, { cwd: dir });
const names = async (): Promise<string[]> => (await readdir(dir)).sort();

/** Holds the lock from another process until killed or told to release. */
async function holdLock(): Promise<{ info: LockInfo; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, [HOLDER, statePath, "apply", "0"]);
  holders.push(child);
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once("line", resolve),
  );
  const event = JSON.parse(line) as { event: string; info: LockInfo };
  if (event.event !== "acquired") throw new Error(line);
  return { info: event.info, child };
}

describe("keysync state list / show", () => {
  it("lists nothing, exit 0, and creates nothing when there is no state", async () => {
    expect(await cli("state", "list")).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(await names()).toEqual([]);
  });

  it("lists managed set IDs one per line, sorted", async () => {
    await writeFile(statePath, serializeState(STATE));
    expect(await cli("state", "list")).toMatchObject({
      code: 0,
      stdout: "empty-set\npartner-keys\ntoken-signing\n",
      stderr: "",
    });
  });

  it("finds the state beside -f, or at --state", async () => {
    await mkdir(join(dir, "infra"));
    await writeFile(join(dir, "infra", "keysync.state.json"), serializeState(STATE));
    await writeFile(join(dir, "other.json"), serializeState({ ...STATE, sets: new Map() }));
    expect((await cli("state", "list", "-f", "infra/keysets.yaml")).stdout).toBe(
      "empty-set\npartner-keys\ntoken-signing\n",
    );
    expect(await cli("state", "list", "--state", "other.json")).toMatchObject({ code: 0, stdout: "" });
  });

  it("shows a set's keys as an aligned table", async () => {
    await writeFile(statePath, serializeState(STATE));
    const result = await cli("state", "show", "token-signing");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      [
        "KID          KTY  ALG    USE  ORIGIN     THUMBPRINT",
        "sig-2026-05  RSA  -      -    imported   NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9X11",
        "sig-2026-11  RSA  RS256  sig  generated  NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9X11",
        "",
      ].join("\n"),
    );
  });

  it("fails for a set that is not managed", async () => {
    await writeFile(statePath, serializeState(STATE));
    expect(await cli("state", "show", "nope")).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "Error: set nope is not managed by keysync.state.json\n",
    });
  });

  it("refuses a state from a newer keysync, leaving it untouched", async () => {
    const text = '{"version": 2, "lineage": "x"}\n';
    await writeFile(statePath, text);
    const result = await cli("state", "list");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "keysync.state.json was written by a newer keysync (state version 2); upgrade keysync",
    );
    expect(await readFile(statePath, "utf8")).toBe(text);
  });
});

describe("keysync state rm", () => {
  it("forgets the sets and their pending intents, changes nothing else, and keeps a backup", async () => {
    const before = serializeState(STATE);
    await writeFile(statePath, before);
    const result = await cli("state", "rm", "partner-keys", "empty-set");
    expect(result).toMatchObject({
      code: 0,
      stdout: "Removed partner-keys from state.\nRemoved empty-set from state.\n",
      stderr: "",
    });
    const after = parseState(await readFile(statePath, "utf8"), "s");
    expect(after).toEqual({
      ...STATE,
      serial: 8,
      sets: new Map([["token-signing", STATE.sets.get("token-signing")]]),
      pending: [STATE.pending[0]],
    });
    expect(await readFile(`${statePath}.backup`, "utf8")).toBe(before);
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
    expect(await names()).toEqual(["keysync.state.json", "keysync.state.json.backup"]); // lock released
  });

  it("fails without writing anything when any set is not managed", async () => {
    const before = serializeState(STATE);
    await writeFile(statePath, before);
    const result = await cli("state", "rm", "partner-keys", "nope", "gone");
    expect(result).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "Error: sets nope, gone are not managed by keysync.state.json; nothing was changed\n",
    });
    expect(await readFile(statePath, "utf8")).toBe(before);
    expect(await names()).toEqual(["keysync.state.json"]);
  });

  it("fails at once while another process holds the lock, naming it", async () => {
    await writeFile(statePath, serializeState(STATE));
    const { info } = await holdLock();
    const result = await cli("state", "rm", "partner-keys");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`Lock ID:   ${info.ID}`);
    expect(result.stderr).toContain(`pid ${info.PID}`);
    expect(result.stderr).toContain(`keysync force-unlock ${info.ID}`);
    expect(parseState(await readFile(statePath, "utf8"), "s").serial).toBe(7);
  });

  it("waits with --lock-timeout until the holder releases", async () => {
    await writeFile(statePath, serializeState(STATE));
    const { child } = await holdLock();
    setTimeout(() => child.stdin.write("release\n"), 500);
    const result = await cli("state", "rm", "partner-keys", "--lock-timeout", "30s");
    expect(result).toMatchObject({ code: 0, stdout: "Removed partner-keys from state.\n" });
    expect(result.stderr).toMatch(/^waiting up to 30s for the state lock: lock ID /);
  });

  it("takes over the lock of a killed keysync, saying so", async () => {
    await writeFile(statePath, serializeState(STATE));
    const { info, child } = await holdLock();
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("exit", resolve));
    const result = await cli("state", "rm", "empty-set");
    expect(result).toMatchObject({ code: 0, stdout: "Removed empty-set from state.\n" });
    expect(result.stderr).toContain(
      `the lock held by ${info.Who} (pid ${info.PID}, gone) is stale; taking it over`,
    );
    expect(await names()).toEqual(["keysync.state.json", "keysync.state.json.backup"]);
  });

  it("rejects a bad --lock-timeout and a malformed set ID as usage errors", async () => {
    await writeFile(statePath, serializeState(STATE));
    expect(await cli("state", "rm", "empty-set", "--lock-timeout", "soon")).toMatchObject({ code: 1 });
    const bad = await cli("state", "rm", "../etc");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"../etc": a set ID is 1-255 characters');
    expect(await names()).toEqual(["keysync.state.json"]);
  });
});

describe("keysync force-unlock", () => {
  it("removes the lock when the ID matches", async () => {
    const { info } = await holdLock();
    expect(await cli("force-unlock", info.ID)).toMatchObject({
      code: 0,
      stdout: `Lock ${info.ID} removed.\n`,
      stderr: "",
    });
    expect(await names()).toEqual([]);
  });

  it("refuses a wrong ID, naming the holder but never printing its lock ID, and keeps the lock", async () => {
    const { info } = await holdLock();
    // A made-up ID, the real one cut short, and the real one with a character changed.
    const wrong = [
      "00000000-0000-4000-8000-000000000000",
      info.ID.slice(0, 8),
      `${info.ID.slice(0, -1)}${info.ID.endsWith("0") ? "1" : "0"}`,
    ];
    for (const id of wrong) {
      const result = await cli("force-unlock", id);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("does not match the lock on keysync.state.json");
      expect(result.stderr).toContain(`held by ${info.Who}`);
      expect(result.stdout + result.stderr).not.toContain(info.ID);
      expect(await names()).toEqual(["keysync.state.json.lock"]);
    }
  });

  it("says when there is no lock", async () => {
    expect(await cli("force-unlock", "abc")).toMatchObject({
      code: 1,
      stderr: "Error: no lock is held on keysync.state.json\n",
    });
  });
});
