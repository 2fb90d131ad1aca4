import type { JwkApi } from "@ory/client";
import type { RetryPolicy } from "./backoff.js";
import type { RateGovernor } from "./rate-governor.js";
import type { RetryListener } from "./retry-event.js";
import type { Target } from "./target.js";

/**
 * Everything one store's operations share. Internal to src/ory: it holds the client, which
 * holds the token, so it is never returned to a caller or attached to an error.
 */
export interface StoreContext {
  readonly api: JwkApi;
  readonly target: Target;
  /** The target URL for messages: no credentials, query or fragment. */
  readonly displayUrl: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** `hydra-admin-medium` (GET) and `hydra-admin-low` (POST, PUT, DELETE), hydra-jwk-contract.md §12. */
  readonly governors: { readonly read: RateGovernor; readonly write: RateGovernor };
  readonly onRetry: RetryListener;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Monotonic milliseconds, for elapsed times and pacing. */
  readonly now: () => number;
  /** Epoch milliseconds, for `Retry-After` dates. */
  readonly wallNow: () => number;
}

/** The target URL without credentials, query or fragment, for messages. */
export function displayUrlOf(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.toString().replace(/\/+$/, "");
  } catch {
    return "the target URL";
  }
}
