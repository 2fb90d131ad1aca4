import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { resolveRetryPolicy } from "./backoff.js";
import type { RetryPolicy } from "./backoff.js";
import { generateKey } from "./generate-key.js";
import { createJwkApi } from "./jwk-client.js";
import type { KeyStore } from "./key-store.js";
import { PACING_MARGIN, RateGovernor } from "./rate-governor.js";
import { readKey, readSet } from "./read-ops.js";
import type { RetryListener } from "./retry-event.js";
import { displayUrlOf } from "./store-context.js";
import type { StoreContext } from "./store-context.js";
import type { Target } from "./target.js";
import { deleteKey, deleteSet, putKey } from "./write-ops.js";

/** Per-attempt timeout when none is given. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** How to talk to Ory. Only `target` is required. */
export interface KeyStoreOptions {
  readonly target: Target;
  /** Deadline of one attempt (connect to last byte), milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
  /** Overrides of `DEFAULT_RETRY_POLICY` (5 attempts, 500 ms doubling, 30 s cap). */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Told before every retry wait, e.g. to print `formatRetryEvent(event)` on stderr. Events hold
   * no bodies, headers or tokens. A listener that throws is ignored.
   */
  readonly onRetry?: RetryListener;
  /** Jitter source in [0, 1). Default `Math.random`; inject for deterministic tests. */
  readonly random?: () => number;
  /** Waits between attempts and pacing waits. Default a real timer; inject with `now`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Monotonic clock in milliseconds for pacing and elapsed times. Default `performance.now`.
   * Inject it together with `sleep` (a fake `sleep` must advance it, or pacing waits spin).
   */
  readonly now?: () => number;
}

/**
 * A `KeyStore` on Ory's JWK admin API through `@ory/client`, the only code in keysync that
 * talks to Ory. What it guarantees, beyond the interface's failure semantics:
 *
 * - **Secrets**: every key in every answer becomes `LiveKey` facts on arrival (live-key.ts);
 *   no raw body, axios response, request config or axios error leaves this module; messages
 *   and retry events never contain the token, a header or server text that was not scrubbed.
 * - **Retries** (call-with-retry.ts, generate-key.ts): GET/PUT/DELETE on network errors, 429
 *   and 5xx except 501, with jittered exponential backoff that honours `Retry-After` and
 *   `x-ratelimit-reset`; POST blindly on 429 only, and otherwise only after reading its kid.
 * - **Pacing** (rate-governor.ts): one governor for reads and one for writes, shared by all
 *   concurrent callers of this store, spreading requests by the limits Ory announces.
 * - **Refusals**: unsafe set IDs and kids, a PUT whose body kid differs from the path, a key
 *   without `alg`/`use` are refused before sending (`OryError("rejected")`, status null).
 *
 * Every failure is an `OryError`; its `kind` says what the user can do (errors.ts).
 */
export function createKeyStore(options: KeyStoreOptions): KeyStore {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const clock = { now, sleep };
  const retry = resolveRetryPolicy(options.retry);
  // Pacing waits are bounded like retry waits: a server asking for more is not waited out.
  const governor = (): RateGovernor => new RateGovernor(clock, PACING_MARGIN, retry.maxDelayMs);
  const ctx: StoreContext = {
    api: createJwkApi(options.target, timeoutMs),
    target: options.target,
    displayUrl: displayUrlOf(options.target.url),
    timeoutMs,
    retry,
    governors: { read: governor(), write: governor() },
    onRetry: options.onRetry ?? (() => undefined),
    random: options.random ?? Math.random,
    sleep,
    now,
    wallNow: () => Date.now(),
  };
  // Closures over `ctx`: nothing enumerable on the store reaches the client or the token.
  return {
    baseUrl: options.target.url.replace(/\/+$/, ""),
    readSet: (setId) => readSet(ctx, setId),
    readKey: (setId, kid) => readKey(ctx, setId, kid),
    generateKey: (setId, request) => generateKey(ctx, setId, request),
    putKey: (setId, kid, jwk) => putKey(ctx, setId, kid, jwk),
    deleteKey: (setId, kid) => deleteKey(ctx, setId, kid),
    deleteSet: (setId) => deleteSet(ctx, setId),
  };
}
