/**
 * How long to wait before another attempt, following Ory's guidance for rate-limited clients
 * (hydra-jwk-contract.md §12): prefer what the server says (`Retry-After`, `x-ratelimit-reset`),
 * otherwise exponential backoff, capped, always with jitter.
 */

/** Retry budget and timing. All values in milliseconds except `maxAttempts`. */
export interface RetryPolicy {
  /** Attempts in total, the first one included. At least 1. */
  readonly maxAttempts: number;
  /** The first backoff step; each later step doubles it. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this (before jitter is added, after it is clamped). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Jitter adds up to this fraction of the step, never less than zero. */
export const JITTER_FRACTION = 0.2;

/**
 * The longest delay a Node timer honours (2^31 − 1 ms, about 24.8 days): a longer one fires after
 * 1 ms with a warning, which would turn a long wait into a busy loop.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** A retry policy from a partial override; out-of-range values are clamped to something sane. */
export function resolveRetryPolicy(override: Partial<RetryPolicy> | undefined): RetryPolicy {
  const merged = { ...DEFAULT_RETRY_POLICY, ...override };
  const maxDelayMs = Math.min(MAX_TIMER_MS, Math.max(0, merged.maxDelayMs));
  return {
    maxAttempts: Math.max(1, Math.floor(merged.maxAttempts)),
    baseDelayMs: Math.min(Math.max(0, merged.baseDelayMs), maxDelayMs),
    maxDelayMs,
  };
}

/** The outcome of `backoffDelay`: wait this long, or stop because the server asks for more than the cap. */
export type BackoffDecision =
  { readonly kind: "wait"; readonly ms: number } | { readonly kind: "too-long"; readonly hintMs: number };

/**
 * The wait after failed attempt number `failedAttempt` (1-based):
 * `step = min(maxDelay, base · 2^(failedAttempt−1))`, `floor = hintMs` (what the server asked),
 * `wait = max(floor, min(maxDelay, max(step, floor) · (1 + JITTER_FRACTION · random())))`.
 * So the wait is never shorter than the server's hint (Ory may send `x-ratelimit-reset: 0` on
 * sub-second buckets, which leaves the exponential step as the floor), never longer than the
 * cap, and jittered so concurrent callers spread out. A hint above the cap is "too-long":
 * waiting less would only earn another 429, so the caller stops early instead.
 */
export function backoffDelay(
  policy: RetryPolicy,
  failedAttempt: number,
  hintMs: number | null,
  random: () => number,
): BackoffDecision {
  const floor = Math.max(0, hintMs ?? 0);
  if (floor > policy.maxDelayMs) return { kind: "too-long", hintMs: floor };
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  const jitter = 1 + JITTER_FRACTION * clampUnit(random());
  const ms = Math.max(floor, Math.min(policy.maxDelayMs, Math.max(step, floor) * jitter));
  return { kind: "wait", ms: Math.round(ms) };
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
