import { describe, expect, it } from "vitest";
import { OryError } from "../../../src/errors.js";
import { ID_RULE } from "../../../src/jwk/key-id.js";
import { isRetryableStatus } from "../../../src/ory/call-with-retry.js";
import { keysPath, requireMember, requireSafeId } from "../../../src/ory/id-guards.js";
import { formatRetryEvent, retryEvent } from "../../../src/ory/retry-event.js";
import { isRetryableFailure } from "../../../src/ory/transport-failure.js";
import type { TransportFailure } from "../../../src/ory/transport-failure.js";

describe("requireSafeId", () => {
  it.each(["k1", "sig-2026-11", "team:a.b_c", "x".repeat(255)])("lets %j through", (id) => {
    expect(() => {
      requireSafeId(id, "kid", "DELETE a key");
    }).not.toThrow();
  });

  it.each(["", ".", ".."])("refuses %j as an address of the whole set", (id) => {
    expect(() => {
      requireSafeId(id, "kid", "DELETE /admin/keys/s/{kid}");
    }).toThrow(/refused to send DELETE \/admin\/keys\/s\/\{kid\}: the kid is empty or a dot segment/);
  });

  it.each(["a/b", "a b", "x".repeat(256), "__proto__", "constructor", "k%2F", "ключ"])(
    "refuses %j without quoting it",
    (id) => {
      let error: unknown;
      try {
        requireSafeId(id, "set ID", "GET /admin/keys/{set}");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OryError);
      expect((error as OryError).kind).toBe("rejected");
      expect((error as OryError).status).toBeNull();
      expect((error as OryError).message).toContain("the set ID is not a safe identifier");
      // The rule text itself names the reserved words; anything else is never echoed.
      if (!ID_RULE.includes(id)) expect((error as OryError).message).not.toContain(id);
    },
  );

  it("requires alg and use to be non-empty strings", () => {
    expect(() => {
      requireMember("ES256", "alg", "POST x");
    }).not.toThrow();
    for (const value of ["", undefined, 5]) {
      expect(() => {
        requireMember(value, "use", "POST x");
      }).toThrow(/the key has no "use"/);
    }
  });

  it("builds admin paths from safe IDs", () => {
    expect(keysPath("s")).toBe("/admin/keys/s");
    expect(keysPath("s", "k")).toBe("/admin/keys/s/k");
  });
});

describe("what is retried", () => {
  it("statuses: 429 and 5xx except 501", () => {
    const retried = [
      200, 201, 204, 301, 400, 401, 403, 404, 409, 413, 422, 429, 500, 501, 502, 503, 504, 599,
    ].filter(isRetryableStatus);
    expect(retried).toEqual([429, 500, 502, 503, 504, 599]);
  });

  it("transport failures: timeout, refused, dropped, unreachable", () => {
    const all: TransportFailure[] = [
      "timeout",
      "refused",
      "reset",
      "host-not-found",
      "unreachable",
      "tls",
      "too-large",
      "request-too-large",
      "garbled",
      "other",
    ];
    expect(all.filter(isRetryableFailure)).toEqual(["timeout", "refused", "reset", "unreachable"]);
  });
});

describe("retry events", () => {
  const base = {
    operation: "GET /admin/keys/foo",
    status: 503,
    reason: "503",
    nextAttempt: 2,
    maxAttempts: 5,
    delayMs: 1234,
    next: "resend",
    checkKid: null,
  } as const;

  it("formats a re-send the way the CLI prints it", () => {
    expect(formatRetryEvent(base)).toBe("GET /admin/keys/foo: 503, retrying in 1.2s (attempt 2 of 5)");
  });

  it("formats a POST that is checked before it is re-sent", () => {
    const event = retryEvent({
      ...base,
      operation: "POST /admin/keys/foo",
      status: null,
      reason: "connection dropped",
      next: "check-first",
      checkKid: "k1",
    });
    expect(event.message).toBe(
      'POST /admin/keys/foo: connection dropped, checking whether key "k1" exists in 1.2s before retrying (attempt 2 of 5)',
    );
    expect(Object.keys(event).sort()).toEqual([
      "checkKid",
      "delayMs",
      "maxAttempts",
      "message",
      "next",
      "nextAttempt",
      "operation",
      "reason",
      "status",
    ]);
  });
});
