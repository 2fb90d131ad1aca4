import { performance } from "node:perf_hooks";

/**
 * Ory Network-style write throttling (hydra-jwk-contract.md §12: JWK writes share the
 * `hydra-admin-low` bucket, e.g. 5 rps burst on a Developer project).
 */
export interface WriteRateLimit {
  /** Tokens added per second. */
  readonly perSecond: number;
  /** Bucket size: how many writes may go back to back. */
  readonly burst: number;
  /** Milliseconds on a monotonic clock; inject one for tests that step time. Default `performance.now`. */
  readonly now?: () => number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (+ `retry-after` when refused). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A token bucket over POST/PUT/DELETE. Every write, allowed or not, gets Ory's headers:
 * - `x-ratelimit-limit`: `BURST, BURST;w=WINDOW` in the IETF RateLimit policy syntax Ory uses,
 *   where WINDOW is the seconds a drained bucket takes to refill;
 * - `x-ratelimit-remaining`: whole tokens left after this request;
 * - `x-ratelimit-reset`: whole seconds (rounded up) until the next token, 0 when one is free.
 * A refused write also gets `retry-after` with the same value, which is then at least 1.
 */
export class TokenBucket {
  readonly #limit: WriteRateLimit;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(limit: WriteRateLimit) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError("writeRateLimit needs perSecond > 0 and burst >= 1");
    }
    this.#limit = limit;
    this.#now = limit.now ?? (() => performance.now());
    this.#tokens = limit.burst;
    this.#at = this.#now();
  }

  take(): RateDecision {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#limit.burst,
      this.#tokens + ((now - this.#at) / 1000) * this.#limit.perSecond,
    );
    this.#at = now;
    const allowed = this.#tokens >= 1;
    if (allowed) this.#tokens -= 1;
    const reset = this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#limit.perSecond);
    const headers: Record<string, string> = {
      "x-ratelimit-limit": rateLimitPolicy(this.#limit),
      "x-ratelimit-remaining": String(Math.floor(this.#tokens)),
      "x-ratelimit-reset": String(reset),
    };
    if (!allowed) headers["retry-after"] = String(reset);
    return { allowed, headers };
  }
}

/** `x-ratelimit-limit`: `BURST, BURST;w=WINDOW`, WINDOW being the seconds a drained bucket needs to refill. */
export function rateLimitPolicy(limit: WriteRateLimit): string {
  const window = Math.max(1, Math.ceil(limit.burst / limit.perSecond));
  return `${limit.burst}, ${limit.burst};w=${window}`;
}
