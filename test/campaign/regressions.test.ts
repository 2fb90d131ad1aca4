import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TIMER_MS, resolveRetryPolicy } from "../../src/ory/backoff.js";
import { RateGovernor } from "../../src/ory/rate-governor.js";
import { NO_RATE_LIMIT_INFO, parseLimitHeader, readRateLimitInfo } from "../../src/ory/rate-limit-headers.js";
import type { RateLimitInfo } from "../../src/ory/rate-limit-headers.js";
import { startHostileServer } from "../support/campaign-hostile-server.js";
import type { HostileServer } from "../support/campaign-hostile-server.js";
import { runMain } from "../support/campaign-run.js";
import { specYaml } from "../support/e2e-kit.js";

/**
 * Regressions for bugs the reliability campaigns found, each reduced to its smallest form.
 *
 * 1. Hostile-responses campaign: a 2xx carrying `x-ratelimit-remaining: 0` and
 *    `x-ratelimit-reset: 99999999999` (read, like any reset beyond a year, as an epoch: year
 *    5138) made the rate governor block the bucket for millennia. Node clamps timers above
 *    2^31 ms to 1 ms, so `plan` spun forever instead of finishing. Same for a 429 with
 *    `Retry-After: 3600` seen by a concurrent request, or a `1;w=86400` policy. Pacing waits are
 *    now bounded by the retry policy's longest wait, like retry waits.
 */

const WAIT_CAP = 30_000;

function governorAt(t: { now: number }): RateGovernor {
  return new RateGovernor(
    {
      now: () => t.now,
      sleep: (ms) => {
        t.now += ms;
        return Promise.resolve();
      },
    },
    undefined,
    WAIT_CAP,
  );
}

/** The wait the governor imposes on the next request at `now`, 0 when it may go. */
function nextWait(g: RateGovernor, now: number): number {
  const decision = g.decide(now);
  return decision.kind === "wait" ? decision.ms : 0;
}

function settleFirst(g: RateGovernor, now: number, info: RateLimitInfo, status: number): void {
  expect(g.decide(now).kind).toBe("go");
  g.observe(now, info, status, true);
}

describe("regression 1: rate-limit headers cannot park keysync", () => {
  it("a far-future x-ratelimit-reset with remaining 0 blocks for at most the wait cap", () => {
    const t = { now: 1_000 };
    const g = governorAt(t);
    const info = readRateLimitInfo(
      (name) => ({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": "99999999999" })[name] ?? null,
      Date.now(),
    );
    expect(info.resetMs).toBeGreaterThan(MAX_TIMER_MS);
    settleFirst(g, t.now, info, 200);
    const wait = nextWait(g, t.now);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(WAIT_CAP);
    expect(g.decide(t.now + WAIT_CAP).kind).toBe("go");
  });

  it("a 429 asking for an hour blocks other requests for at most the wait cap", () => {
    const t = { now: 1_000 };
    const g = governorAt(t);
    settleFirst(g, t.now, { ...NO_RATE_LIMIT_INFO, retryAfterMs: 3_600_000 }, 429);
    expect(nextWait(g, t.now)).toBe(WAIT_CAP);
  });

  it("a one-per-day policy paces at most one wait cap apart, also when the bucket is empty", () => {
    const t = { now: 1_000 };
    const g = governorAt(t);
    settleFirst(g, t.now, { ...NO_RATE_LIMIT_INFO, ...parseLimitHeader("1, 1;w=86400"), remaining: 0 }, 200);
    expect(g.intervalMs).toBeLessThanOrEqual(WAIT_CAP);
    expect(nextWait(g, t.now)).toBeLessThanOrEqual(WAIT_CAP);
    g.observe(
      t.now,
      { ...NO_RATE_LIMIT_INFO, ...parseLimitHeader("1, 1;w=86400"), remaining: 0 },
      429,
      false,
    );
    expect(nextWait(g, t.now)).toBeLessThanOrEqual(WAIT_CAP);
  });

  it("a retry policy never asks for a wait longer than a Node timer can hold", () => {
    expect(resolveRetryPolicy({ maxDelayMs: 10 * MAX_TIMER_MS }).maxDelayMs).toBe(MAX_TIMER_MS);
  });

  describe("end to end", () => {
    let hostile: HostileServer;
    let dir: string;
    beforeAll(async () => {
      hostile = await startHostileServer();
      dir = mkdtempSync(join(tmpdir(), "keysync-regression-"));
      writeFileSync(join(dir, "keysets.yaml"), specYaml({ a: ["k1:ES256"], b: ["k2:ES256"] }));
    });
    afterAll(async () => {
      await hostile.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("plan finishes (the test's timeout is the hang guard) and reports both sets", async () => {
      hostile.script([
        {
          status: 404,
          headers: {
            "content-type": "application/json",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "99999999999",
          },
          body: { kind: "text", text: '{"error":"Not Found","error_description":"no such set"}' },
          delivery: "normal",
        },
      ]);
      const env = { ORY_SDK_URL: hostile.url, KEYSYNC_RETRY_MAX_DELAY: "50ms" };
      const result = await runMain(["plan", "--detailed-exitcode"], { cwd: dir, env });
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain("Plan: 2 to add");
      expect(hostile.seen).toEqual(["GET /admin/keys/a", "GET /admin/keys/b"]);
    }, 20_000);
  });
});
