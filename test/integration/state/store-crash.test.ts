import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseState } from "../../../src/state/codec.js";
import { StateStore } from "../../../src/state/store.js";

// T3 (research/reliability.md §7): SIGKILL a process that writes the state in a loop, at random
// moments, and check after every kill that the state and its backup are whole, parseable files
// of one lineage with a serial that never goes back. A kill between creating a temp file and the
// rename leaves an orphan `<state>.tmp-<host>-<pid>-<random>`; the next open removes it.
const WRITER = fileURLToPath(new URL("../../support/state-writer.mjs", import.meta.url));
const KILLS = 100;

let dir: string;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL("../../../dist/state/store.js", import.meta.url)))) {
    throw new Error("run `npm run build` first: the writer uses dist/state/store.js");
  }
  dir = await mkdtemp(join(tmpdir(), "keysync-crash-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the writer, waits for its first write, lets it run `ms`, then SIGKILLs it. */
async function runAndKill(path: string, ms: number): Promise<void> {
  const child = spawn(process.execPath, [WRITER, path], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_, signal) => {
      resolve(signal);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (d.includes("ready")) resolve();
    });
    child.on("exit", () => {
      reject(new Error(`writer exited before its first write: ${stderr}`));
    });
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}

/** One lane: a state file of its own, killed `kills` times in a row. Returns what it saw. */
async function killLane(path: string, kills: number): Promise<{ serial: number; orphans: number }> {
  let lineage: string | undefined;
  let lastSerial = 0;
  let orphans = 0;
  const temps = async (): Promise<string[]> =>
    (await readdir(dir)).filter((n) => n.startsWith(`${basename(path)}.`) && n.includes(".tmp-"));
  for (let i = 0; i < kills; i += 1) {
    await runAndKill(path, Math.floor(Math.random() * 40));

    const state = parseState(await readFile(path, "utf8"), "state");
    lineage ??= state.lineage;
    expect(state.lineage).toBe(lineage);
    expect(state.serial).toBeGreaterThanOrEqual(lastSerial);
    lastSerial = state.serial;
    if (existsSync(`${path}.backup`)) {
      expect(parseState(await readFile(`${path}.backup`, "utf8"), "backup").lineage).toBe(lineage);
    }

    const leftovers = await temps();
    for (const name of leftovers) expect(name).toMatch(/\.json(\.backup)?\.tmp-[0-9a-f]{8}-\d+-[0-9a-f]{8}$/);
    orphans += leftovers.length;
    await StateStore.open(path, "state"); // removes the dead writer's orphans
    expect(await temps()).toEqual([]);
  }
  return { serial: lastSerial, orphans };
}

describe("state writes under SIGKILL", () => {
  it(`leave a whole, parseable state after each of ${KILLS} kills`, async () => {
    // Two lanes in parallel (one per core), each on its own state file.
    const lanes = await Promise.all(
      ["a.state.json", "b.state.json"].map((name) => killLane(join(dir, name), KILLS / 2)),
    );
    for (const lane of lanes) expect(lane.serial).toBeGreaterThan(KILLS / 2);
    // How many kills landed mid-write (an orphan temp file) is timing-dependent: not asserted.
  }, 180_000);
});
