import { describe, expect, it } from "vitest";
import type { LockInfo } from "../../../src/state/lock-info.js";
import {
  describeLockHolder,
  describeStaleTakeover,
  formatDuration,
  formatLockInfo,
  parseLockInfo,
} from "../../../src/state/lock-info.js";

const INFO: LockInfo = {
  ID: "6f1c1a52-3c4e-4f0e-9d51-2b8f0e7a9c11",
  Operation: "apply",
  Who: "alice@build-7",
  Host: "build-7",
  PID: 4242,
  Created: "2026-11-24T09:30:00.000Z",
  Version: "0.1.0",
  Path: "/repo/keysync.state.json",
};

describe("lock info", () => {
  it("round-trips through its file format", () => {
    expect(parseLockInfo(formatLockInfo(INFO))).toEqual(INFO);
  });

  it("ignores unknown fields a newer keysync may add", () => {
    expect(parseLockInfo(JSON.stringify({ ...INFO, Info: "extra" }))).toEqual(INFO);
  });

  it.each([
    ["not JSON", "{"],
    ["empty", ""],
    ["an array", "[]"],
    ["a missing field", JSON.stringify({ ...INFO, Who: undefined })],
    ["a PID of 0", JSON.stringify({ ...INFO, PID: 0 })],
    ["a negative PID", JSON.stringify({ ...INFO, PID: -1 })],
    ["a string PID", JSON.stringify({ ...INFO, PID: "4242" })],
    ["an ID with spaces", JSON.stringify({ ...INFO, ID: "a b" })],
    ["a control character", JSON.stringify({ ...INFO, Who: "alice\u001b[2J@host" })],
  ])("refuses %s", (_, text) => {
    expect(parseLockInfo(text)).toBeNull();
  });

  it("describes the holder on one line", () => {
    expect(describeLockHolder(INFO)).toBe(
      'lock ID 6f1c1a52-3c4e-4f0e-9d51-2b8f0e7a9c11, operation "apply", held by alice@build-7 ' +
        "(pid 4242 on build-7) since 2026-11-24T09:30:00.000Z",
    );
    expect(describeStaleTakeover(INFO)).toMatch(
      /^the lock held by alice@build-7 \(pid 4242, gone\) is stale; taking it over/,
    );
  });

  it.each([
    [0, "0s"],
    [1500, "1.5s"],
    [30_000, "30s"],
    [300_000, "5m"],
    [5_400_000, "1h30m"],
    [3_661_000, "1h1m1s"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
