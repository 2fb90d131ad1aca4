import { UsageError } from "../errors.js";
import type { RetryPolicy } from "../ory/backoff.js";
import type { Env } from "./io.js";
import { parseDuration } from "./options.js";

/** HTTP timeout and retry settings from the environment; unset ones keep the adapter's defaults. */
export interface HttpTuning {
  readonly timeoutMs?: number;
  readonly retry: Partial<RetryPolicy>;
}

/**
 * Reads the documented tuning variables (docs/ory-adapter.md): `KEYSYNC_HTTP_TIMEOUT` (per
 * attempt), `KEYSYNC_RETRY_MAX_ATTEMPTS`, `KEYSYNC_RETRY_BASE_DELAY` and `KEYSYNC_RETRY_MAX_DELAY`.
 * Durations are Terraform-style (`500ms`, `30s`, `2m`). A bad value is a usage error naming the
 * variable, never silently ignored.
 */
export function httpTuningFrom(env: Env): HttpTuning {
  const duration = (name: string): number | undefined => {
    const value = env[name];
    return value === undefined || value === "" ? undefined : parseDuration(value, name);
  };
  const attempts = env["KEYSYNC_RETRY_MAX_ATTEMPTS"];
  let maxAttempts: number | undefined;
  if (attempts !== undefined && attempts !== "") {
    maxAttempts = Number(attempts);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
      throw new UsageError(
        `KEYSYNC_RETRY_MAX_ATTEMPTS must be a whole number from 1 to 20, got "${attempts}"`,
      );
    }
  }
  const timeoutMs = duration("KEYSYNC_HTTP_TIMEOUT");
  const baseDelayMs = duration("KEYSYNC_RETRY_BASE_DELAY");
  const maxDelayMs = duration("KEYSYNC_RETRY_MAX_DELAY");
  return {
    ...(timeoutMs === undefined ? {} : { timeoutMs: Math.max(1, timeoutMs) }),
    retry: {
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
      ...(baseDelayMs === undefined ? {} : { baseDelayMs }),
      ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
    },
  };
}
