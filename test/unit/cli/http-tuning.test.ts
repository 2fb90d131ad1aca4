import { describe, expect, it } from "vitest";
import { httpTuningFrom } from "../../../src/cli/http-tuning.js";
import { UsageError } from "../../../src/errors.js";

describe("HTTP tuning from the environment", () => {
  it("leaves the adapter's defaults alone when nothing is set", () => {
    expect(httpTuningFrom({})).toEqual({ retry: {} });
  });

  it("reads durations and attempts", () => {
    expect(
      httpTuningFrom({
        KEYSYNC_HTTP_TIMEOUT: "5s",
        KEYSYNC_RETRY_MAX_ATTEMPTS: "3",
        KEYSYNC_RETRY_BASE_DELAY: "10ms",
        KEYSYNC_RETRY_MAX_DELAY: "1m",
      }),
    ).toEqual({ timeoutMs: 5000, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 60_000 } });
  });

  it("refuses a bad value, naming the variable", () => {
    expect(() => httpTuningFrom({ KEYSYNC_RETRY_MAX_ATTEMPTS: "0" })).toThrow(UsageError);
    expect(() => httpTuningFrom({ KEYSYNC_RETRY_BASE_DELAY: "soon" })).toThrow(/KEYSYNC_RETRY_BASE_DELAY/);
  });
});
