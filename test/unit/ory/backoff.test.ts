import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, backoffDelay, resolveRetryPolicy } from "../../../src/ory/backoff.js";
import type { RetryPolicy } from "../../../src/ory/backoff.js";

const waits = (policy: RetryPolicy, random: number, hint: number | null = null): (number | string)[] =>
  [1, 2, 3, 4, 5, 6, 7, 8].map((n) => {
    const d = backoffDelay(policy, n, hint, () => random);
    return d.kind === "wait" ? d.ms : d.kind;
  });

describe("backoffDelay", () => {
  it("doubles from 500 ms and caps at 30 s with no jitter drawn", () => {
    expect(waits(DEFAULT_RETRY_POLICY, 0)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it("adds up to 20 % jitter, never beyond the cap", () => {
    expect(waits(DEFAULT_RETRY_POLICY, 1)).toEqual([600, 1200, 2400, 4800, 9600, 19_200, 30_000, 30_000]);
    expect(waits(DEFAULT_RETRY_POLICY, 0.5)).toEqual([550, 1100, 2200, 4400, 8800, 17_600, 30_000, 30_000]);
  });

  it("clamps a random source that leaves [0, 1)", () => {
    expect(waits(DEFAULT_RETRY_POLICY, 7)[0]).toBe(600);
    expect(waits(DEFAULT_RETRY_POLICY, -3)[0]).toBe(500);
    expect(waits(DEFAULT_RETRY_POLICY, Number.NaN)[0]).toBe(500);
  });

  it("never waits less than the server's hint, and jitters on top of it", () => {
    expect(waits(DEFAULT_RETRY_POLICY, 0, 3000).slice(0, 4)).toEqual([3000, 3000, 3000, 4000]);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, 3000, () => 1)).toEqual({ kind: "wait", ms: 3600 });
  });

  it("keeps the exponential step as the floor when Ory sends x-ratelimit-reset: 0", () => {
    expect(waits(DEFAULT_RETRY_POLICY, 0, 0).slice(0, 3)).toEqual([500, 1000, 2000]);
  });

  it("honours a hint at the cap exactly, and refuses one above it", () => {
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, 30_000, () => 1)).toEqual({ kind: "wait", ms: 30_000 });
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, 120_000, () => 0)).toEqual({
      kind: "too-long",
      hintMs: 120_000,
    });
  });
});

describe("resolveRetryPolicy", () => {
  it("merges a partial override onto the defaults", () => {
    expect(resolveRetryPolicy(undefined)).toEqual({ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 });
    expect(resolveRetryPolicy({ maxAttempts: 3 })).toEqual({
      maxAttempts: 3,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
    });
  });

  it("clamps nonsense: at least one attempt, base no larger than the cap", () => {
    expect(resolveRetryPolicy({ maxAttempts: 0, baseDelayMs: 90_000, maxDelayMs: 1000 })).toEqual({
      maxAttempts: 1,
      baseDelayMs: 1000,
      maxDelayMs: 1000,
    });
    expect(resolveRetryPolicy({ maxAttempts: 2.7, baseDelayMs: -5 }).maxAttempts).toBe(2);
  });
});
