import type { IncomingHttpHeaders } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEYSYNC_VERSION } from "../../../src/version.js";
import { startOryBackend } from "../../support/ory-backend.js";
import type { OryBackend } from "../../support/ory-backend.js";
import { ecJwk } from "../../support/test-jwks.js";
import { closedPortUrl, oryError, startPlainServer, testStore } from "./ory-kit.js";

const TOKEN = "ory_pat_errors-test-token-0123456789";
let server: OryBackend;
beforeAll(async () => {
  server = await startOryBackend({ token: TOKEN });
});
afterAll(() => server.close());

describe("credentials", () => {
  it("sends the bearer token only when there is one, and works with the right one", async () => {
    const { store } = testStore(server.url, { token: TOKEN });
    expect(await store.readSet("auth-ok")).toEqual({ setId: "auth-ok", exists: false });
    expect(server.requests.at(-1)?.authorized).toBe(true);
  });

  it("401 without a token says none was sent and names both env vars", async () => {
    const { store } = testStore(server.url);
    const error = await oryError(store.readSet("auth-none"), "auth");
    expect(error.message).toContain("no API key was sent: set ORY_PROJECT_API_KEY (or ORY_API_KEY)");
    expect(server.requests.at(-1)?.authorized).toBe(false);
  });

  it("401 with a wrong token names the env var it came from, never the token, and is not retried", async () => {
    server.clearRequests();
    const wrong = "ory_pat_wrong-token-value-abcdefghijkl";
    const { store, events } = testStore(server.url, { token: wrong });
    for (const call of [store.readSet("s"), store.putKey("s", "k", ecJwk("k")), store.deleteSet("s")]) {
      const error = await oryError(call, "auth");
      expect(error.message).toContain("the API key from ORY_PROJECT_API_KEY was not accepted");
      expect(error.message).not.toContain(wrong);
      expect(error.status).toBe(401);
    }
    expect(server.requests).toHaveLength(3);
    expect(events).toEqual([]);
  });
});

describe("a URL that is not Ory's admin API", () => {
  it("the embedded server's router 404 (wrong path prefix) is not-ory", async () => {
    const { store } = testStore(`${server.url}/oauth2`, { token: TOKEN });
    const error = await oryError(store.readSet("s"), "not-ory");
    expect(error.message).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/oauth2 is not an Ory admin API: GET \/admin\/keys\/s answered 404 with a router error \(no such route\); use the admin API URL/,
    );
  });

  it.each<[string, number, string, string]>([
    ["Go's plain-text 404", 404, "text/plain; charset=utf-8", "404 page not found\n"],
    ["a herodot router 404", 404, "application/json", '{"error":{"code":404,"message":"Not Found"}}'],
    ["an HTML 404", 404, "text/html", "<!DOCTYPE html><html><body>Not here</body></html>"],
    [
      "a single-page app's HTML 200",
      200,
      "text/html; charset=utf-8",
      "<!doctype html><html><div id=app></div></html>",
    ],
    ["an empty 200", 200, "application/json", ""],
    ["a redirect to a login page", 302, "text/html", '<a href="/login">Found</a>'],
    ["405", 405, "text/plain", "Method Not Allowed"],
  ])("%s is not-ory, for reads and writes alike", async (_what, status, type, body) => {
    const seen: IncomingHttpHeaders[] = [];
    const plain = await startPlainServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.writeHead(status, { "content-type": type, ...(status === 302 ? { location: "/login" } : {}) });
      res.end(body);
    });
    try {
      const { store, events } = testStore(plain.url);
      const read = await oryError(store.readSet("s"), "not-ory");
      expect(read.message).toContain(
        `${plain.url} is not an Ory admin API: GET /admin/keys/s answered ${status}`,
      );
      expect(read.message).toContain("https://<slug>.projects.oryapis.com");
      // A bodiless 2xx is what a DELETE expects; everything else is refused for writes too.
      if (body === "") await store.deleteKey("s", "k");
      else await oryError(store.deleteKey("s", "k"), "not-ory");
      await oryError(store.generateKey("s", { kid: "k", alg: "ES256", use: "sig" }), "not-ory");
      expect(events).toEqual([]);
      expect(seen[0]?.accept).toBe("application/json");
      expect(seen[0]?.["user-agent"]).toBe(`keysync/${KEYSYNC_VERSION}`);
      expect(seen[0]?.authorization).toBeUndefined();
      expect(seen).toHaveLength(3);
      expect(seen[2]?.["content-type"]).toBe("application/json");
    } finally {
      await plain.close();
    }
  });
});

describe("unreachable", () => {
  it("names the URL and what was tried", async () => {
    const url = await closedPortUrl();
    const { store, events } = testStore(url, { retry: { maxAttempts: 3 } });
    const error = await oryError(store.readSet("s"), "unreachable");
    expect(error.message).toMatch(
      new RegExp(
        `^cannot reach ${url.replace(/[.]/g, "\\.")}: GET /admin/keys/s: gave up after 3 attempts over [\\d.]+ s: connection refused$`,
      ),
    );
    expect(events.map((e) => e.reason)).toEqual(["connection refused", "connection refused"]);
  });
});

const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
const goodKey = (kid: string): Record<string, unknown> => ({ ...ec, kid, alg: "ES256", use: "sig" });

describe("malformed answers", () => {
  const cases: readonly [string, string, string, string][] = [
    [
      "truncated JSON",
      "application/json",
      JSON.stringify({ keys: [goodKey("k")] }).slice(0, 60),
      "the body is truncated or not valid JSON",
    ],
    [
      "HTML labelled as JSON",
      "application/json",
      "<html><body>oops</body></html>",
      "the body is truncated or not valid JSON",
    ],
    ["no keys member", "application/json", '{"items":[]}', 'no "keys" array'],
    ["keys not an array", "application/json", '{"keys":{"kty":"EC"}}', 'no "keys" array'],
    ["a JSON array", "application/json", "[]", 'no "keys" array'],
    [
      "wrong member types",
      "application/json",
      '{"keys":[{"kty":"EC","kid":"k","crv":"P-256","x":1,"y":2}]}',
      'key "k" has members of the wrong type',
    ],
    [
      "an unknown kty",
      "application/json",
      '{"keys":[{"kty":"PQC","kid":"k","pub":"AAAA"}]}',
      'key "k" is not a usable JWK',
    ],
    [
      "a key missing members",
      "application/json",
      '{"keys":[{"kty":"RSA","kid":"k","e":"AQAB"}]}',
      'key "k" is not a usable JWK',
    ],
    ["a numeric kid", "application/json", '{"keys":[{"kty":"EC","kid":5}]}', "kid that is not a string"],
  ];

  it.each(cases)("%s is malformed, naming the operation and set", async (_what, type, body, problem) => {
    const plain = await startPlainServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": type });
      res.end(body);
    });
    try {
      const { store } = testStore(plain.url);
      const error = await oryError(store.readSet("mal"), "malformed");
      expect(error.message).toMatch(/^Ory's answer to GET \/admin\/keys\/mal is malformed: /);
      expect(error.message).toContain(problem);
    } finally {
      await plain.close();
    }
  });

  it("a gigantic answer is cut off at the cap and reported as malformed", async () => {
    const huge = `{"keys":[{"kty":"oct","kid":"k","k":"${"A".repeat(9 * 1024 * 1024)}"}]}`;
    const plain = await startPlainServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(huge);
    });
    try {
      const { store, events } = testStore(plain.url);
      const error = await oryError(store.readSet("big"), "malformed");
      expect(error.message).toBe(
        "Ory's answer to GET /admin/keys/big is malformed: the answer is larger than keysync accepts",
      );
      expect(events).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it("answers that do not match what was asked are malformed; an unsafe live kid is never quoted", async () => {
    const plain = await startPlainServer((req, res) => {
      req.resume();
      const url = req.url ?? "";
      const send = (status: number, value: unknown): void => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET" && url === "/admin/keys/s")
        send(200, { keys: [goodKey("a/b"), goodKey("ok")] });
      else if (req.method === "GET") send(200, { keys: [goodKey("x/../y")] });
      else if (req.method === "PUT") send(200, goodKey("other"));
      else if (req.method === "POST") send(201, { keys: [goodKey("k"), goodKey("k2")] });
      else send(204, null);
    });
    try {
      const { store } = testStore(plain.url);
      const set = await store.readSet("s");
      expect(set.exists && set.keys.map((k) => k.kid)).toEqual(["a/b", "ok"]);
      const key = await oryError(store.readKey("s", "k"), "malformed");
      expect(key.message).toBe(
        "Ory's answer to GET /admin/keys/s/k is malformed: it holds a key with an unusable kid instead of the one asked for",
      );
      const put = await oryError(store.putKey("s", "k", ecJwk("k")), "malformed");
      expect(put.message).toContain('it echoes key "other" instead of the key sent');
      const post = await oryError(
        store.generateKey("s", { kid: "k", alg: "ES256", use: "sig" }),
        "malformed",
      );
      expect(post.message).toContain("it holds 2 keys where Ory sends only the new one");
    } finally {
      await plain.close();
    }
  });
});
