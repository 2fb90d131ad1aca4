import { describe, expect, it } from "vitest";
import { OryError } from "../../../src/errors.js";
import { answerError, attemptsPhrase, failureError } from "../../../src/ory/answer-errors.js";
import { DEFAULT_RETRY_POLICY } from "../../../src/ory/backoff.js";
import { createJwkApi } from "../../../src/ory/jwk-client.js";
import { RateGovernor } from "../../../src/ory/rate-governor.js";
import { readResponseBody } from "../../../src/ory/response-body.js";
import type { ResponseBody } from "../../../src/ory/response-body.js";
import { MAX_SERVER_TEXT, oryErrorText, scrubServerText } from "../../../src/ory/scrub-message.js";
import { displayUrlOf } from "../../../src/ory/store-context.js";
import type { StoreContext } from "../../../src/ory/store-context.js";
import type { Target } from "../../../src/ory/target.js";
import { transportFailureOf } from "../../../src/ory/transport-failure.js";

const TOKEN = "ory_pat_unitTestTokenValue0123456789";

function context(target: Partial<Target> = {}): StoreContext {
  const full: Target = {
    url: "https://demo.projects.oryapis.com",
    from: "--target",
    token: null,
    tokenEnv: null,
    ...target,
  };
  const clock = { now: () => 0, sleep: () => Promise.resolve() };
  return {
    api: createJwkApi(full, 1000),
    target: full,
    displayUrl: displayUrlOf(full.url),
    timeoutMs: 1000,
    retry: DEFAULT_RETRY_POLICY,
    governors: { read: new RateGovernor(clock), write: new RateGovernor(clock) },
    onRetry: () => undefined,
    random: () => 0,
    sleep: clock.sleep,
    now: clock.now,
    wallNow: () => 0,
  };
}

const json = (value: unknown): ResponseBody => ({ kind: "json", value });
const OP = "GET /admin/keys/s";

describe("scrubServerText", () => {
  it("drops runs of 16+ base64url characters, such as key members", () => {
    const d = "nZ8dAv1gq4Ve0Lrp3Y6bYh3V_kJk-eYb0Zb9c3q2Tq8";
    expect(scrubServerText(`invalid key: d=${d} rejected`)).toBe("invalid key: [redacted] rejected");
  });

  it("keeps ordinary words and short values", () => {
    expect(scrubServerText("Unsupported key algorithm")).toBe("Unsupported key algorithm");
    expect(scrubServerText("missing P in RSA key")).toBe("missing P in RSA key");
  });

  it("removes a known secret, control characters and extra whitespace, and caps the length", () => {
    expect(scrubServerText(`token ${TOKEN}\n\u0007 was\t\tbad`, [TOKEN])).toBe("token [redacted] was bad");
    expect(scrubServerText("short:abcd", ["abcd"])).toBe("short:[redacted]");
    const long = scrubServerText("word ".repeat(200));
    expect(long.length).toBeLessThanOrEqual(MAX_SERVER_TEXT);
    expect(long.endsWith("…")).toBe(true);
  });

  it("is empty for anything that is not a string", () => {
    expect(scrubServerText(42)).toBe("");
    expect(scrubServerText({ error: "x" })).toBe("");
  });
});

describe("oryErrorText", () => {
  it("joins error and error_description", () => {
    expect(oryErrorText({ error: "Bad Request", error_description: "Unsupported key algorithm" })).toBe(
      "Bad Request: Unsupported key algorithm",
    );
    expect(oryErrorText({ error: "Unable to locate the resource", error_description: "" })).toBe(
      "Unable to locate the resource",
    );
    expect(oryErrorText({ error: { code: 404 } })).toBeNull();
    expect(oryErrorText("text")).toBeNull();
  });
});

describe("answerError", () => {
  it("401 names the env var the token came from, never the token", () => {
    const ctx = context({ token: TOKEN, tokenEnv: "ORY_PROJECT_API_KEY" });
    const error = answerError(ctx, OP, 401, json({ error: { code: 401 } }), null);
    expect(error.kind).toBe("auth");
    expect(error.message).toContain("ORY_PROJECT_API_KEY");
    expect(error.message).toContain("https://demo.projects.oryapis.com");
    expect(error.message).not.toContain(TOKEN);
  });

  it("401 without a token says none was sent and where to set one", () => {
    const error = answerError(context(), OP, 401, { kind: "empty" }, null);
    expect(error.message).toMatch(/no API key was sent: set ORY_PROJECT_API_KEY \(or ORY_API_KEY\)/);
    expect(
      answerError(context({ token: "t", tokenEnv: "ORY_API_KEY" }), OP, 403, { kind: "empty" }, null).message,
    ).toContain("ORY_API_KEY is not allowed");
  });

  it.each<[string, ResponseBody]>([
    ["router JSON", json({ error: { code: 404, message: "Not Found" } })],
    ["plain text", readResponseBody("text/plain", "404 page not found")],
    ["HTML", readResponseBody("text/html", "<!DOCTYPE html><html></html>")],
    ["no body", { kind: "empty" }],
  ])("a 404 with %s is not-ory, with the admin URL hint", (_what, body) => {
    const error = answerError(context(), OP, 404, body, null);
    expect(error.kind).toBe("not-ory");
    expect(error.message).toMatch(
      /^https:\/\/demo\.projects\.oryapis\.com is not an Ory admin API: GET \/admin\/keys\/s answered 404/,
    );
    expect(error.message).toContain("https://<slug>.projects.oryapis.com");
    expect(error.message).toContain(":4445");
  });

  it("a redirect is not-ory", () => {
    expect(answerError(context(), OP, 301, { kind: "empty" }, null).message).toContain(
      "answered 301 (a redirect)",
    );
  });

  it("400/409 are rejected with Ory's words, scrubbed", () => {
    const d = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const error = answerError(
      context({ token: TOKEN, tokenEnv: "ORY_API_KEY" }),
      "PUT /admin/keys/s/k",
      400,
      json({
        error: "The request was malformed or contained invalid parameters",
        error_description: `Unable to decode the request body: bad d ${d} (token ${TOKEN})`,
      }),
      null,
    );
    expect(error.kind).toBe("rejected");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /^Ory rejected PUT \/admin\/keys\/s\/k \(400 Bad Request\): The request was malformed/,
    );
    expect(error.message).not.toContain(d);
    expect(error.message).not.toContain(TOKEN);
    expect(answerError(context(), OP, 422, readResponseBody("text/plain", "nope"), null).message).toContain(
      "no error details (a plain-text page)",
    );
  });

  it("429 and 5xx name the attempts made", () => {
    const log = { attempts: 5, elapsedMs: 12_345, stoppedEarly: null };
    const limited = answerError(context(), OP, 429, json({}), log);
    expect(limited.kind).toBe("rate-limited");
    expect(limited.message).toContain("gave up after 5 attempts over 12 s");
    const server = answerError(context(), OP, 503, json({}), log);
    expect(server.kind).toBe("server");
    expect(server.message).toContain("503 Service Unavailable; gave up after 5 attempts");
  });
});

describe("failureError and attemptsPhrase", () => {
  it("names the URL and what was tried", () => {
    const error = failureError(context(), OP, "refused", {
      attempts: 3,
      elapsedMs: 4100,
      stoppedEarly: null,
    });
    expect(error).toBeInstanceOf(OryError);
    expect(error.kind).toBe("unreachable");
    expect(error.message).toBe(
      "cannot reach https://demo.projects.oryapis.com: GET /admin/keys/s: gave up after 3 attempts over 4.1 s: connection refused",
    );
    const timeout = failureError(context(), OP, "timeout", {
      attempts: 1,
      elapsedMs: 1000,
      stoppedEarly: null,
    });
    expect(timeout.kind).toBe("timeout");
    expect(timeout.message).toContain("no answer within 1 s");
    expect(
      failureError(context(), OP, "too-large", { attempts: 1, elapsedMs: 0, stoppedEarly: null }).kind,
    ).toBe("malformed");
  });

  it("says when retrying stopped early", () => {
    expect(attemptsPhrase({ attempts: 2, elapsedMs: 1000, stoppedEarly: "Ory asks to wait 2 min" })).toBe(
      "stopped after 2 attempts over 1 s (Ory asks to wait 2 min)",
    );
  });

  it("never shows credentials of the URL", () => {
    expect(displayUrlOf("https://user:secret@ory.example.com/base/?q=1#f")).toBe(
      "https://ory.example.com/base",
    );
  });
});

describe("transportFailureOf", () => {
  const err = (code: string, message = "x"): Error => Object.assign(new Error(message), { code });
  it.each([
    [err("ECONNREFUSED"), "refused"],
    [err("ECONNRESET", "socket hang up"), "reset"],
    [err("ECONNABORTED", "timeout of 100ms exceeded"), "timeout"],
    [err("ETIMEDOUT"), "timeout"],
    [err("ENOTFOUND"), "host-not-found"],
    [err("EAI_AGAIN"), "unreachable"],
    [err("ERR_BAD_RESPONSE", "maxContentLength size of 8388608 exceeded"), "too-large"],
    [err("ERR_BAD_RESPONSE", "stream has been aborted"), "reset"],
    [err("DEPTH_ZERO_SELF_SIGNED_CERT"), "tls"],
    [Object.assign(new Error("outer"), { cause: err("ECONNREFUSED") }), "refused"],
    [Object.assign(new AggregateError([err("ECONNREFUSED")]), {}), "refused"],
    [new Error("no code"), "other"],
    ["a string", "other"],
  ])("classifies %o as %s", (error, failure) => {
    expect(transportFailureOf(error)).toBe(failure);
  });
});

describe("readResponseBody", () => {
  it.each([
    ["application/json", '{"keys":[]}', "json"],
    ["application/json", "", "empty"],
    [null, "  \n", "empty"],
    ["application/json", '{"keys":[{"kty":"RSA"', "invalid-json"],
    ["text/plain", '{"keys":', "invalid-json"],
    ["text/html; charset=utf-8", "<html><body>hi</body></html>", "html"],
    ["application/json", "<html>oops</html>", "invalid-json"],
    [null, "<!DOCTYPE html><html></html>", "html"],
    ["text/plain; charset=utf-8", "404 page not found", "text"],
  ])("%s %j is %s", (type, text, kind) => {
    expect(readResponseBody(type, text).kind).toBe(kind);
  });
});
