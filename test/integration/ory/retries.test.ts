import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OryError } from "../../../src/errors.js";
import { failOnce, failTimes, matching, seededFaults } from "../../../src/server/index.js";
import type { Fault } from "../../../src/server/index.js";
import { startOryBackend } from "../../support/ory-backend.js";
import type { OryBackend } from "../../support/ory-backend.js";
import { ecJwk } from "../../support/test-jwks.js";
import { expectBodiesMatchOpenApi, expectGetBeforeEveryResentPost, oryError, testStore } from "./ory-kit.js";

// Retry rules of the adapter (call-with-retry.ts, generate-key.ts), fault by fault, method by method.
let server: OryBackend;
beforeAll(async () => {
  server = await startOryBackend();
});
afterAll(() => server.close());
beforeEach(() => {
  server.setFaults(null);
  server.clearRequests();
});
let n = 0;
const fresh = (label: string): string => `${label}-${(n += 1)}`;

const TIMEOUT_MS = 150;
const RETRIED: readonly [string, Fault][] = [
  ["500", { kind: "status", status: 500 }],
  ["502", { kind: "status", status: 502 }],
  ["503", { kind: "status", status: 503 }],
  ["504", { kind: "status", status: 504 }],
  ["429", { kind: "rate-limit", resetSeconds: 0 }],
  ["reset", { kind: "reset" }],
  ["commit-then-drop", { kind: "commit-then-drop" }],
  ["timeout", { kind: "delay", ms: TIMEOUT_MS * 4 }],
];

/** Waits until requests the client gave up on (delayed ones) have finished on the server. */
async function settled(): Promise<void> {
  while (server.inFlight > 0) await delay(10);
}

describe.each(["GET", "PUT", "DELETE"] as const)("%s is retried", (method) => {
  it.each(RETRIED)("after %s, and succeeds on the second attempt", async (_name, fault) => {
    const set = fresh(`r-${method.toLowerCase()}`);
    await server.putRaw(set, ecJwk("k"));
    server.setFaults(failOnce(matching({ method }), fault));
    const { store, events } = testStore(server.url, { timeoutMs: TIMEOUT_MS });
    if (method === "GET") {
      expect((await store.readSet(set)).exists).toBe(true);
    } else if (method === "PUT") {
      const jwk = ecJwk("k");
      expect((await store.putKey(set, "k", jwk)).kid).toBe("k");
      await settled();
      expect(await server.keys(set)).toHaveLength(1);
      expect((await server.keys(set))[0]?.x).toBe(jwk["x"]);
    } else {
      await store.deleteKey(set, "k");
      await settled();
      expect(await server.keys(set)).toEqual([]);
    }
    const mine = server.requests.filter((r) => r.method === method);
    expect(mine).toHaveLength(2);
    expect(mine[1]?.status).toBe(method === "GET" ? 200 : method === "PUT" ? 200 : 204);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ nextAttempt: 2, maxAttempts: 5, next: "resend" });
    expect(events[0]?.message).toMatch(
      new RegExp(`^${method} /admin/keys/${set}(/k)?: .+, retrying in \\d+\\.\\ds \\(attempt 2 of 5\\)$`),
    );
    expectBodiesMatchOpenApi(server.requests);
  });

  it.each([
    [501, "server"],
    [400, "rejected"],
    [409, "rejected"],
    [422, "rejected"],
  ] as const)("is not retried after %i", async (status, kind) => {
    const set = fresh("nr");
    await server.putRaw(set, ecJwk("k"));
    server.setFaults(failOnce(matching({ method }), { kind: "status", status }));
    const { store, events } = testStore(server.url);
    const call =
      method === "GET"
        ? store.readSet(set)
        : method === "PUT"
          ? store.putKey(set, "k", ecJwk("k"))
          : store.deleteKey(set, "k");
    const error = await oryError(call, kind);
    expect(error.status).toBe(status);
    expect(server.requests).toHaveLength(1);
    expect(events).toEqual([]);
  });
});

describe("the retry budget", () => {
  it("stops after maxAttempts and says how many attempts were made", async () => {
    server.setFaults(failTimes(() => true, 99, { kind: "status", status: 503 }));
    const { store, events } = testStore(server.url, { retry: { maxAttempts: 3 } });
    const error = await oryError(store.readSet("budget"), "server");
    expect(error.message).toMatch(
      /^GET \/admin\/keys\/budget at http:\/\/127\.0\.0\.1:\d+: Ory answered 503 Service Unavailable; gave up after 3 attempts over [\d.]+ s$/,
    );
    expect(server.requests).toHaveLength(3);
    expect(events.map((e) => e.nextAttempt)).toEqual([2, 3]);
  });

  it("backs off exponentially with jitter", async () => {
    server.setFaults(failTimes(() => true, 99, { kind: "reset" }));
    const { store, clock } = testStore(server.url, { random: () => 0 });
    const error = await oryError(store.deleteSet("backoff"), "unreachable");
    expect(error.message).toContain("gave up after 5 attempts");
    expect(error.message).toContain("connection dropped");
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it("honours a 429's reset: the next attempt waits at least x-ratelimit-reset / Retry-After", async () => {
    server.setFaults(failTimes(matching({ method: "GET" }), 2, { kind: "rate-limit", resetSeconds: 2 }));
    const { store, clock, events } = testStore(server.url);
    await store.readSet("limited");
    expect(clock.sleeps).toHaveLength(2);
    for (const ms of clock.sleeps) expect(ms).toBeGreaterThanOrEqual(2000);
    expect(events.map((e) => e.status)).toEqual([429, 429]);
  });

  it("stops early when Ory asks to wait longer than maxDelayMs", async () => {
    server.setFaults(failTimes(() => true, 99, { kind: "rate-limit", resetSeconds: 5 }));
    const { store } = testStore(server.url, { retry: { maxDelayMs: 1000 } });
    const error = await oryError(store.putKey("too-long", "k", ecJwk("k")), "rate-limited");
    expect(error.message).toContain(
      "stopped after 1 attempt (Ory asks to wait 5 s, more than the 1 s keysync waits",
    );
    expect(server.requests).toHaveLength(1);
  });

  it("times out each attempt and names the URL", async () => {
    server.setFaults(failTimes(() => true, 99, { kind: "delay", ms: 1000 }));
    const { store } = testStore(server.url, { timeoutMs: 100, retry: { maxAttempts: 2 } });
    const error = await oryError(store.readSet("slow"), "timeout");
    expect(error.message).toMatch(
      /^GET \/admin\/keys\/slow at http:\/\/127\.0\.0\.1:\d+: gave up after 2 attempts over [\d.]+ s: no answer within 0\.1 s$/,
    );
  });
});

describe("POST (generateKey)", () => {
  const request = { kid: "gen", alg: "ES256", use: "sig" } as const;

  it("is re-sent blindly after a 429 only", async () => {
    const set = fresh("p429");
    server.setFaults(failOnce(matching({ method: "POST" }), { kind: "rate-limit", resetSeconds: 1 }));
    const { store, events, clock } = testStore(server.url);
    const key = await store.generateKey(set, request);
    expect(key).toMatchObject({ kid: "gen", alg: "ES256", use: "sig", kty: "EC", hasPrivate: true });
    expect(server.requests.map((r) => `${r.method} ${String(r.status)}`)).toEqual(["POST 429", "POST 201"]);
    expect(events[0]).toMatchObject({ next: "resend", status: 429 });
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(1000);
  });

  it.each(RETRIED.filter(([name]) => name !== "429"))(
    "after %s reads the kid before anything is re-sent, and ends with exactly one key",
    async (_name, fault) => {
      const set = fresh("pamb");
      server.setFaults(failOnce(matching({ method: "POST" }), fault));
      const { store, events } = testStore(server.url, { timeoutMs: TIMEOUT_MS });
      const key = await store.generateKey(set, request);
      await settled();
      expect(await server.keys(set)).toHaveLength(1);
      expect(key.kid).toBe("gen");
      const log = server.requests.map((r) => r.method);
      expect(log.slice(0, 2)).toEqual(["POST", "GET"]);
      expect(server.requests[1]?.operation).toBe("getJsonWebKey");
      expectGetBeforeEveryResentPost(server.requests);
      expect(events[0]).toMatchObject({ next: "check-first", checkKid: "gen" });
      expect(events[0]?.message).toMatch(
        /^POST \/admin\/keys\/pamb-\d+: .+, checking whether key "gen" exists in [\d.]+s before retrying \(attempt 2 of 5\)$/,
      );
      expectBodiesMatchOpenApi(server.requests);
    },
  );

  it("commit-then-drop: the lost attempt's key is adopted, no second POST is sent", async () => {
    const set = fresh("pctd");
    server.setFaults(failOnce(matching({ method: "POST" }), { kind: "commit-then-drop" }));
    const { store } = testStore(server.url);
    const key = await store.generateKey(set, request);
    expect(server.requests.map((r) => [r.method, r.status, r.committedStatus])).toEqual([
      ["POST", "dropped", 201],
      ["GET", 200, null],
    ]);
    expect(await server.keys(set)).toHaveLength(1);
    expect(key.thumbprint).toBe((await store.readKey(set, "gen"))?.thumbprint);
  });

  it("adopts a kid that already exists with the same alg and use (409)", async () => {
    const set = fresh("p409");
    const { store } = testStore(server.url);
    const first = await store.generateKey(set, request);
    server.clearRequests();
    const again = await store.generateKey(set, request);
    expect(again).toEqual(first);
    expect(server.requests.map((r) => `${r.method} ${String(r.status)}`)).toEqual(["POST 409", "GET 200"]);
    expect(await server.keys(set)).toHaveLength(1);
  });

  it("refuses a kid that exists with another alg or use (409)", async () => {
    const set = fresh("p409x");
    const { store } = testStore(server.url);
    await store.generateKey(set, request);
    const error = await oryError(store.generateKey(set, { ...request, alg: "EdDSA" }), "rejected");
    expect(error.message).toBe(
      `POST /admin/keys/${set}: key "gen" already exists in set "${set}" with alg ES256 and use sig, not EdDSA and sig; keysync did not replace it`,
    );
    expect(await server.keys(set)).toHaveLength(1);
  });

  it("an ambiguous failure whose lost key has another alg is refused, not duplicated", async () => {
    const set = fresh("pambx");
    await server.putRaw(set, ecJwk("gen", { use: "enc" }));
    server.setFaults(failOnce(matching({ method: "POST" }), { kind: "reset" }));
    const { store } = testStore(server.url);
    await oryError(store.generateKey(set, request), "rejected");
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it.each([
    [400, "HS256"],
    [401, "ES256"],
  ] as const)("is not retried or checked after %i", async (status, alg) => {
    const set = fresh("p4xx");
    if (status === 401) server.setFaults(failOnce(matching({ method: "POST" }), { kind: "status", status }));
    const { store } = testStore(server.url);
    await oryError(store.generateKey(set, { ...request, alg }), status === 400 ? "rejected" : "auth");
    expect(server.requests).toHaveLength(1);
  });

  it("gives up after maxAttempts POSTs, each re-send preceded by a GET, and says the key does not exist", async () => {
    const set = fresh("pbudget");
    server.setFaults(failTimes(matching({ method: "POST" }), 99, { kind: "status", status: 503 }));
    const { store } = testStore(server.url, { retry: { maxAttempts: 3 } });
    const error = await oryError(store.generateKey(set, request), "server");
    expect(error.message).toContain("gave up after 3 attempts");
    expect(error.message).toContain('key "gen" does not exist (Ory did not create it)');
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "GET", "POST", "GET", "POST", "GET"]);
    expectGetBeforeEveryResentPost(server.requests);
  });

  it("reports an unknown outcome when the check itself fails", async () => {
    const set = fresh("pcheck");
    server.setFaults(failTimes(() => true, 99, { kind: "reset" }));
    const { store } = testStore(server.url, { retry: { maxAttempts: 2 } });
    const error = await oryError(store.generateKey(set, request), "unreachable");
    expect(error.message).toMatch(/reading key "gen" to learn whether Ory created it failed/);
    expectGetBeforeEveryResentPost(server.requests);
  });
});

describe("seeded faults on every request (research/reliability.md T7)", () => {
  it.each([1, 2, 3, 4, 5])(
    "seed %i: every POST re-send is checked first, and no kid ends up twice",
    async (seed) => {
      const set = fresh(`seeded-${seed}`);
      server.setFaults(seededFaults({ seed, rate: 0.3, resetSeconds: 0 }));
      const { store } = testStore(server.url, { timeoutMs: TIMEOUT_MS });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.generateKey(set, { kid: `s-${i}`, alg: "ES256", use: "sig" }),
        ),
      );
      server.setFaults(null);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(OryError);
      }
      const created = outcomes.filter((o) => o.status === "fulfilled").length;
      expect(created).toBeGreaterThanOrEqual(8);
      const kids = (await server.keys(set)).map((k) => k.kid);
      expect(new Set(kids).size).toBe(kids.length);
      expectGetBeforeEveryResentPost(server.requests);
    },
  );
});
