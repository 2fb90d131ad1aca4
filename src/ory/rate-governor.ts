import { DEFAULT_RETRY_POLICY } from "./backoff.js";
import type { RateLimitInfo, RatePolicy } from "./rate-limit-headers.js";

/**
 * Slack added to every learnt interval, so keysync sends a little slower than the server
 * refills and small scheduling jitter never arrives at an empty bucket.
 */
export const PACING_MARGIN = 1.05;

/** What a caller must do before sending (see `RateGovernor.decide`). */
export type GovernorDecision =
  /** Send now; the slot is taken. `probe`: this request is the one that learns the bucket. */
  | { readonly kind: "go"; readonly probe: boolean }
  /** Nothing may be sent for `ms` milliseconds; ask again then. */
  | { readonly kind: "wait"; readonly ms: number }
  /** The first request of an unknown bucket is in flight; ask again when it settles. */
  | { readonly kind: "await-probe" };

/** A taken slot. `settle` must be called exactly once, when the attempt is over. */
export interface Permit {
  /**
   * `info`: what the response's headers said, or null when no response arrived (network error,
   * timeout). `status`: the HTTP status, null without a response.
   */
  settle(info: RateLimitInfo | null, status: number | null): void;
}

export interface GovernorClock {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** One learnt policy as a GCRA lane: `tat` is the theoretical arrival time of the next request. */
interface Lane {
  readonly quota: number;
  readonly windowMs: number;
  readonly intervalMs: number;
  readonly toleranceMs: number;
  tat: number;
}

/**
 * Client-side pacing for one Ory rate-limit bucket (hydra-jwk-contract.md §12: writes share
 * `hydra-admin-low`, reads `hydra-admin-medium`), shared by every concurrent caller of a store.
 * Proactive rather than hammer-and-back-off:
 *
 * - **Unknown bucket**: the first request goes alone (the probe); the others wait for its
 *   answer, which says whether the bucket is limited. A probe that gets no answer hands the
 *   role to the next request.
 * - **No rate-limit headers** (self-hosted Hydra): no pacing at all from then on.
 * - **Known policies** (`x-ratelimit-limit: 5, 5;w=1`): a GCRA per policy, i.e. a burst of
 *   `quota` then one request every `window / quota` (times `PACING_MARGIN`); a request needs
 *   room in every policy (`10, 10;w=1, 300;w=60` paces at the tighter 5/s after a burst of 10).
 * - **`x-ratelimit-remaining`** only ever tightens the model: the server's count (minus what is
 *   still in flight) caps what the model believes is left.
 * - **Exhausted** (`remaining: 0` with no known window) or **429**: nobody sends until
 *   `x-ratelimit-reset` / `Retry-After` has passed.
 *
 * Invariant: decisions never block forever; every wait is bounded by what the server said or
 * by one probe round trip, and never longer than `maxWaitMs` (the retry policy's longest wait,
 * 30 s by default). Headers are hints from a server keysync does not control: a
 * `x-ratelimit-reset` read as a far-future epoch, a `Retry-After: 3600` or a `1;w=86400` policy
 * must slow keysync down, not park it for hours (or, past Node's 2^31 ms timer limit, spin it).
 */
export class RateGovernor {
  readonly #clock: GovernorClock;
  readonly #margin: number;
  #lanes: Lane[] = [];
  #known = false;
  #probe: { readonly done: Promise<void>; readonly release: () => void } | null = null;
  #blockedUntil = Number.NEGATIVE_INFINITY;
  #inFlight = 0;

  readonly #maxWaitMs: number;

  constructor(clock: GovernorClock, margin = PACING_MARGIN, maxWaitMs = DEFAULT_RETRY_POLICY.maxDelayMs) {
    this.#clock = clock;
    this.#margin = margin;
    this.#maxWaitMs = Math.max(1, maxWaitMs);
  }

  /** Waits until a request may be sent, then takes its slot. */
  async acquire(): Promise<Permit> {
    for (;;) {
      const decision = this.decide(this.#clock.now());
      switch (decision.kind) {
        case "go":
          return this.#permit(decision.probe);
        case "wait":
          await this.#clock.sleep(decision.ms);
          break;
        case "await-probe":
          await this.#probe?.done;
          break;
      }
    }
  }

  /**
   * The decision for a request that wants to go at `now`. A "go" takes the slot (the caller
   * must then send and settle); the other answers change nothing.
   */
  decide(now: number): GovernorDecision {
    if (!this.#known && this.#probe !== null) return { kind: "await-probe" };
    let earliest = this.#blockedUntil;
    for (const lane of this.#lanes) earliest = Math.max(earliest, lane.tat - lane.toleranceMs);
    if (earliest > now) return { kind: "wait", ms: Math.max(1, Math.ceil(earliest - now)) };
    for (const lane of this.#lanes) lane.tat = Math.max(lane.tat, now) + lane.intervalMs;
    this.#inFlight += 1;
    const probe = !this.#known;
    if (probe) {
      let release = (): void => undefined;
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      this.#probe = { done, release };
    }
    return { kind: "go", probe };
  }

  /** Learns from one settled attempt (see `Permit.settle`). */
  observe(now: number, info: RateLimitInfo | null, status: number | null, probe: boolean): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (info !== null) {
      this.#known = true;
      if (info.policies.length > 0) this.#configure(now, info.policies);
      this.#syncRemaining(now, info);
      if (status === 429) this.#exhausted(now, info);
    }
    if (probe && this.#probe !== null) {
      const { release } = this.#probe;
      this.#probe = null;
      release();
    }
  }

  /** Milliseconds between requests once the burst is spent; null while no policy is known. */
  get intervalMs(): number | null {
    return this.#lanes.length === 0 ? null : Math.max(...this.#lanes.map((l) => l.intervalMs));
  }

  #permit(probe: boolean): Permit {
    let settled = false;
    return {
      settle: (info, status) => {
        if (settled) return;
        settled = true;
        this.observe(this.#clock.now(), info, status, probe);
      },
    };
  }

  #configure(now: number, policies: readonly RatePolicy[]): void {
    this.#lanes = policies.map((p) => {
      const existing = this.#lanes.find((l) => l.quota === p.quota && l.windowMs === p.windowMs);
      if (existing !== undefined) return existing;
      const intervalMs = Math.min((p.windowMs / p.quota) * this.#margin, this.#maxWaitMs);
      return { ...p, intervalMs, toleranceMs: (p.quota - 1) * intervalMs, tat: now };
    });
  }

  #syncRemaining(now: number, info: RateLimitInfo): void {
    if (info.remaining === null) return;
    const lane = this.#lanes.find((l) => l.quota === info.limit) ?? this.#lanes[0];
    if (lane !== undefined) {
      // Model capacity left = (now + quota·interval − tat) / interval; cap it at the server's
      // count minus the requests still in flight (which the server may not have counted yet).
      const used = lane.quota - info.remaining + this.#inFlight;
      lane.tat = Math.max(lane.tat, this.#capTat(now, lane, now + used * lane.intervalMs));
    } else if (info.remaining === 0 && info.resetMs !== null) {
      // No window known: the bucket is empty until the reset.
      this.#blockUntil(now, info.resetMs);
    }
  }

  /** Blocks every request for `waitMs` from `now`, but never longer than `maxWaitMs`. */
  #blockUntil(now: number, waitMs: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, now + Math.min(waitMs, this.#maxWaitMs));
  }

  /** A lane's `tat` no further ahead than one `maxWaitMs` wait past its burst tolerance. */
  #capTat(now: number, lane: Lane, tat: number): number {
    return Math.min(tat, now + lane.toleranceMs + this.#maxWaitMs);
  }

  #exhausted(now: number, info: RateLimitInfo): void {
    this.#blockUntil(now, Math.max(info.retryAfterMs ?? 0, info.resetMs ?? 0));
    for (const lane of this.#lanes) {
      lane.tat = Math.max(lane.tat, this.#capTat(now, lane, now + lane.quota * lane.intervalMs));
    }
  }
}
