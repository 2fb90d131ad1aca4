import { describe, expect, it } from "vitest";
import {
  parseLimitHeader,
  parseResetSeconds,
  parseRetryAfter,
  readRateLimitInfo,
} from "../../../src/ory/rate-limit-headers.js";

const NOW = Date.parse("2026-08-01T12:00:00Z");

describe("Retry-After", () => {
  it.each([
    ["0", 0],
    ["1", 1000],
    ["120", 120_000],
    [" 3 ", 3000],
    ["1.5", 1500],
  ])("reads delay-seconds %j as %d ms", (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it("reads an HTTP-date relative to now, and a past date as 0", () => {
    expect(parseRetryAfter("Sat, 01 Aug 2026 12:00:05 GMT", NOW)).toBe(5000);
    expect(parseRetryAfter("Sat, 01 Aug 2026 11:59:00 GMT", NOW)).toBe(0);
    // RFC 850 and asctime forms are obsolete but still HTTP-dates.
    expect(parseRetryAfter("Saturday, 01-Aug-26 12:00:02 GMT", NOW)).toBe(2000);
  });

  it.each([null, "", "soon", "-1", "1e3", "2026-08-01", "12:00:05"])("ignores %j", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});

describe("x-ratelimit-reset", () => {
  it("reads seconds, including Ory's 0 on sub-second buckets", () => {
    expect(parseResetSeconds("0", NOW)).toBe(0);
    expect(parseResetSeconds("1", NOW)).toBe(1000);
    expect(parseResetSeconds("0.25", NOW)).toBe(250);
  });

  it("reads a value beyond a year as an epoch timestamp", () => {
    expect(parseResetSeconds(String(NOW / 1000 + 7), NOW)).toBe(7000);
  });

  it.each([null, "", "-1", "abc", "1s"])("ignores %j", (value) => {
    expect(parseResetSeconds(value, NOW)).toBeNull();
  });
});

describe("x-ratelimit-limit", () => {
  it("reads the embedded server's `5, 5;w=1`", () => {
    expect(parseLimitHeader("5, 5;w=1")).toEqual({ limit: 5, policies: [{ quota: 5, windowMs: 1000 }] });
  });

  it("reads Ory's `10, 10;w=1, 300;w=60` as the current limit and two policies", () => {
    expect(parseLimitHeader("10, 10;w=1, 300;w=60")).toEqual({
      limit: 10,
      policies: [
        { quota: 10, windowMs: 1000 },
        { quota: 300, windowMs: 60_000 },
      ],
    });
  });

  it("reads the later draft's `q=10;w=1` and ignores other parameters", () => {
    expect(parseLimitHeader('q=10;w=1;comment="burst", 300;w="60";burst=20')).toEqual({
      limit: 10,
      policies: [
        { quota: 10, windowMs: 1000 },
        { quota: 300, windowMs: 60_000 },
      ],
    });
  });

  it("keeps a bare limit without policies, and skips garbage items", () => {
    expect(parseLimitHeader("100")).toEqual({ limit: 100, policies: [] });
    expect(parseLimitHeader("x, 0;w=1, 5;w=0, 7;w=2")).toEqual({
      limit: 7,
      policies: [{ quota: 7, windowMs: 2000 }],
    });
    expect(parseLimitHeader(null)).toEqual({ limit: null, policies: [] });
  });
});

describe("readRateLimitInfo", () => {
  const lookup =
    (headers: Record<string, string>) =>
    (name: string): string | null =>
      headers[name] ?? null;

  it("collects the trio and Retry-After from a 429", () => {
    const info = readRateLimitInfo(
      lookup({
        "x-ratelimit-limit": "5, 5;w=1",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "1",
        "retry-after": "2",
      }),
      NOW,
    );
    expect(info).toEqual({
      limit: 5,
      policies: [{ quota: 5, windowMs: 1000 }],
      remaining: 0,
      resetMs: 1000,
      retryAfterMs: 2000,
    });
  });

  it("falls back to the unprefixed IETF names, and prefers the x- ones", () => {
    const info = readRateLimitInfo(
      lookup({ "ratelimit-limit": "9, 9;w=3", "ratelimit-remaining": "4", "x-ratelimit-remaining": "2" }),
      NOW,
    );
    expect(info.policies).toEqual([{ quota: 9, windowMs: 3000 }]);
    expect(info.remaining).toBe(2);
  });

  it("is empty for a self-hosted Hydra answer", () => {
    const info = readRateLimitInfo(lookup({ "content-type": "application/json" }), NOW);
    expect(info).toEqual({ limit: null, policies: [], remaining: null, resetMs: null, retryAfterMs: null });
    expect(info.retryAfterMs).toBeNull();
  });
});
