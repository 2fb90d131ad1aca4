import { describe, expect, it } from "vitest";
import { PACING_MARGIN, RateGovernor } from "../../../src/ory/rate-governor.js";
import type { GovernorDecision } from "../../../src/ory/rate-governor.js";
import { NO_RATE_LIMIT_INFO, parseLimitHeader } from "../../../src/ory/rate-limit-headers.js";
import type { RateLimitInfo } from "../../../src/ory/rate-limit-headers.js";

/** A governor on a clock the test moves by hand. */
function governor(): { g: RateGovernor; clock: { t: number } } {
  const clock = { t: 1000 };
  const g = new RateGovernor({
    now: () => clock.t,
    sleep: (ms) => {
      clock.t += ms;
      return Promise.resolve();
    },
  });
  return { g, clock };
}

function info(limit: string, remaining: number | null, resetS: number | null = null): RateLimitInfo {
  return {
    ...NO_RATE_LIMIT_INFO,
    ...parseLimitHeader(limit),
    remaining,
    resetMs: resetS === null ? null : resetS * 1000,
  };
}

const go = (probe = false): GovernorDecision => ({ kind: "go", probe });

/** Takes every slot available at `t` and returns how many there were. */
function drain(g: RateGovernor, t: number): number {
  let n = 0;
  while (g.decide(t).kind === "go") n++;
  return n;
}

describe("RateGovernor", () => {
  it("sends the first request of an unknown bucket alone, as a probe", () => {
    const { g } = governor();
    expect(g.decide(0)).toEqual(go(true));
    expect(g.decide(0)).toEqual({ kind: "await-probe" });
    expect(g.decide(5000)).toEqual({ kind: "await-probe" });
  });

  it("adds no delay at all once a response carried no rate-limit headers (self-hosted Hydra)", () => {
    const { g } = governor();
    g.decide(0);
    g.observe(10, NO_RATE_LIMIT_INFO, 200, true);
    for (let i = 0; i < 100; i++) expect(g.decide(10)).toEqual(go());
    expect(g.intervalMs).toBeNull();
  });

  it("hands the probe on when it got no answer", () => {
    const { g } = governor();
    g.decide(0);
    g.observe(10, null, null, true);
    expect(g.decide(10)).toEqual(go(true));
    expect(g.decide(10)).toEqual({ kind: "await-probe" });
  });

  it("lets the announced remaining burst go, then spreads requests ~window/quota apart", () => {
    const { g } = governor();
    g.decide(0);
    g.observe(20, info("5, 5;w=1", 4), 201, true);
    expect(drain(g, 20)).toBe(4);
    const interval = 200 * PACING_MARGIN;
    expect(g.intervalMs).toBeCloseTo(interval);
    const next = g.decide(20);
    expect(next.kind).toBe("wait");
    // The next slot opens one interval after the probe's answer.
    expect(next.kind === "wait" ? next.ms : 0).toBe(Math.ceil(interval));
    expect(g.decide(20 + interval)).toEqual(go());
    expect(g.decide(20 + interval).kind).toBe("wait");
    expect(g.decide(20 + 2 * interval)).toEqual(go());
  });

  it("never sends more than the server says remain, counting requests still in flight", () => {
    const { g } = governor();
    g.decide(0);
    g.observe(10, info("5, 5;w=1", 4), 200, true);
    expect(g.decide(10)).toEqual(go());
    expect(g.decide(10)).toEqual(go());
    // One of the two in flight answers: only 1 left, and one request is still out.
    g.observe(30, info("5, 5;w=1", 1), 200, false);
    expect(drain(g, 30)).toBe(0);
    expect(g.decide(30 + 200 * PACING_MARGIN)).toEqual(go());
  });

  it("paces `10, 10;w=1, 300;w=60` by both policies: 10/s bursts, 5/s once 300 are spent", () => {
    const { g } = governor();
    g.decide(0);
    g.observe(0, info("10, 10;w=1, 300;w=60", 9), 200, true);
    const sentBy = (until: number, from: number): number => {
      let t = from;
      let sent = 0;
      while (t < until) {
        const d = g.decide(t);
        if (d.kind === "go") sent++;
        else t += d.kind === "wait" ? d.ms : 1;
      }
      return sent;
    };
    // First second: the 10/1 s policy allows its burst of 10 plus ~10 more; the probe was one.
    const first = sentBy(1000, 0);
    expect(first).toBeGreaterThanOrEqual(15);
    expect(first + 1).toBeLessThanOrEqual(20);
    // Two minutes: the 300/60 s policy allows 300 + 600 in total; keysync stays just under.
    const total = first + 1 + sentBy(120_000, 1000);
    expect(total).toBeLessThanOrEqual(900);
    expect(total).toBeGreaterThanOrEqual(850);
  });

  it("blocks everyone until x-ratelimit-reset when the bucket is empty and no window is known", () => {
    const { g } = governor();
    g.decide(0);
    g.observe(0, info("100", 0, 3), 200, true);
    expect(g.decide(0)).toEqual({ kind: "wait", ms: 3000 });
    expect(g.decide(2999).kind).toBe("wait");
    expect(g.decide(3000)).toEqual(go());
  });

  it("after a 429 nobody sends before Retry-After / x-ratelimit-reset", () => {
    const { g } = governor();
    g.decide(0);
    g.observe(0, { ...info("5, 5;w=1", 0, 1), retryAfterMs: 2000 }, 429, true);
    expect(g.decide(0)).toEqual({ kind: "wait", ms: 2000 });
    expect(g.decide(1999).kind).toBe("wait");
    expect(g.decide(2000)).toEqual(go());
  });

  it("acquire() waits through the clock and resolves once a slot is free", async () => {
    const { g, clock } = governor();
    const first = await g.acquire();
    const second = g.acquire();
    first.settle({ ...info("2, 2;w=1", 0), retryAfterMs: null }, 200);
    first.settle(null, null); // settling twice is ignored
    await second;
    expect(clock.t).toBeGreaterThanOrEqual(1000 + 500);
  });
});
