/**
 * Parsing of the headers Ory sends about rate limits (hydra-jwk-contract.md §12): the IETF
 * draft `x-ratelimit-limit` / `x-ratelimit-remaining` / `x-ratelimit-reset` trio and HTTP's
 * `Retry-After` (RFC 9110 §10.2.3). Pure functions: header values in, numbers out. Anything
 * unparseable is null, never an error: these headers are hints, and a wrong hint must not fail
 * a request that otherwise succeeded.
 */

/** One quota policy: `quota` requests per `windowMs` (from `10;w=1` or `q=10;w=1`). */
export interface RatePolicy {
  readonly quota: number;
  readonly windowMs: number;
}

/** What one response said about its rate-limit bucket. Every field is null when not sent. */
export interface RateLimitInfo {
  /** The quota of the policy closest to exhaustion: the first, bare item of `x-ratelimit-limit`. */
  readonly limit: number | null;
  /** The policies with a known window, in header order. Empty when none was sent. */
  readonly policies: readonly RatePolicy[];
  /** Requests left in the current window of the `limit` policy. */
  readonly remaining: number | null;
  /** Milliseconds until that policy has quota again; Ory sends 0 on sub-second buckets. */
  readonly resetMs: number | null;
  /** `Retry-After`, in milliseconds from now. */
  readonly retryAfterMs: number | null;
}

/** Reads header values by lower-case name; null when absent. */
export type HeaderLookup = (name: string) => string | null;

export const NO_RATE_LIMIT_INFO: RateLimitInfo = {
  limit: null,
  policies: [],
  remaining: null,
  resetMs: null,
  retryAfterMs: null,
};

/**
 * Everything a response's headers say about rate limiting. `x-` prefixed names win over the
 * unprefixed IETF draft names. `nowWallMs` (epoch milliseconds) resolves HTTP dates and epoch
 * resets.
 */
export function readRateLimitInfo(header: HeaderLookup, nowWallMs: number): RateLimitInfo {
  const pick = (name: string): string | null => header(`x-${name}`) ?? header(name);
  const limitHeader = parseLimitHeader(pick("ratelimit-limit"));
  return {
    limit: limitHeader.limit,
    policies: limitHeader.policies,
    remaining: parseCount(pick("ratelimit-remaining")),
    resetMs: parseResetSeconds(pick("ratelimit-reset"), nowWallMs),
    retryAfterMs: parseRetryAfter(header("retry-after"), nowWallMs),
  };
}

/**
 * `Retry-After`: delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`), as
 * milliseconds from `nowWallMs`; a date in the past is 0. Null when absent or unparseable.
 */
export function parseRetryAfter(value: string | null, nowWallMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // HTTP-dates always name a weekday and a month: refuse bare numbers and other shapes Date.parse accepts.
  if (!/^[A-Za-z]{3,9},? .*\d{2}:\d{2}:\d{2}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowWallMs) : null;
}

/**
 * `x-ratelimit-reset` in seconds (fractions allowed). Some APIs send an epoch timestamp instead
 * of a delta; a value beyond a year is read as one. Null when absent or unparseable.
 */
export function parseResetSeconds(value: string | null, nowWallMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const seconds = Number(text);
  const YEAR_SECONDS = 366 * 24 * 3600;
  if (seconds > YEAR_SECONDS) return Math.max(0, Math.round(seconds * 1000 - nowWallMs));
  return Math.round(seconds * 1000);
}

/**
 * `x-ratelimit-limit`, e.g. `5, 5;w=1` or `10, 10;w=1, 300;w=60` (draft-ietf-httpapi-ratelimit-
 * headers-03) or `q=10;w=1` (later drafts). A bare first item is the current limit; items with
 * a `w` parameter are policies. Other parameters (`burst`, `comment`) are ignored.
 */
export function parseLimitHeader(value: string | null): {
  readonly limit: number | null;
  readonly policies: readonly RatePolicy[];
} {
  if (value === null) return { limit: null, policies: [] };
  let limit: number | null = null;
  const policies: RatePolicy[] = [];
  for (const item of value.split(",")) {
    const [head = "", ...params] = item.split(";").map((s) => s.trim());
    const quota = parseCount(head.replace(/^q=/i, ""));
    if (quota === null || quota < 1) continue;
    const windowParam = params.find((p) => /^w\s*=/i.test(p));
    if (windowParam === undefined) {
      limit ??= quota;
      continue;
    }
    const match = /^w\s*=\s*"?(\d+(?:\.\d+)?)"?$/i.exec(windowParam);
    const windowSeconds = match?.[1] === undefined ? 0 : Number(match[1]);
    if (windowSeconds > 0) policies.push({ quota, windowMs: Math.round(windowSeconds * 1000) });
  }
  // Without a bare item, the first policy is the current one.
  return { limit: limit ?? policies[0]?.quota ?? null, policies };
}

function parseCount(value: string | null): number | null {
  if (value === null) return null;
  const text = value.trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}
