import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PARALLELISM } from "../../../src/cli/options.js";
import { readSets } from "../../../src/ory/read-sets.js";
import { failOnce, matching } from "../../../src/server/index.js";
import { startOryBackend } from "../../support/ory-backend.js";
import type { OryBackend } from "../../support/ory-backend.js";
import { ecJwk, edJwk, rsaJwk } from "../../support/test-jwks.js";
import { oryError, testStore } from "./ory-kit.js";

let server: OryBackend;
beforeAll(async () => {
  server = await startOryBackend();
});
afterAll(() => server.close());
beforeEach(() => {
  server.setFaults(null);
  server.setLatency(null);
  server.clearRequests();
  server.resetConcurrency();
});

describe("readSet", () => {
  it("returns the keys in Ory's order (newest first) as facts, with one GET", async () => {
    for (const jwk of [rsaJwk("r-old"), ecJwk("e-mid"), edJwk("d-new", { publicOnly: true })]) {
      await server.putRaw("order", jwk);
    }
    const { store } = testStore(server.url);
    const set = await store.readSet("order");
    expect(set.exists).toBe(true);
    if (!set.exists) return;
    expect(set.keys.map((k) => [k.kid, k.kty, k.hasPrivate])).toEqual([
      ["d-new", "OKP", false],
      ["e-mid", "EC", true],
      ["r-old", "RSA", true],
    ]);
    expect(set.keys[2]).toMatchObject({ alg: "RS256", use: "sig", size: 2048 });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /admin/keys/order"]);
  });

  it("reads an absent set as a value, not an error", async () => {
    const { store } = testStore(server.url);
    expect(await store.readSet("never-there")).toEqual({ setId: "never-there", exists: false });
  });

  it("returns a live kid that is not a safe ID faithfully", async () => {
    await server.putRaw("odd-kids", ecJwk("a/b"));
    await server.putRaw("odd-kids", ecJwk(".."));
    const { store } = testStore(server.url);
    const set = await store.readSet("odd-kids");
    expect(set.exists && set.keys.map((k) => k.kid)).toEqual(["..", "a/b"]);
  });

  it("encodes set IDs with ':' and '.' as one path segment", async () => {
    await server.putRaw("team:a.b_c-d", ecJwk("k"));
    const { store } = testStore(server.url);
    const set = await store.readSet("team:a.b_c-d");
    expect(set.exists).toBe(true);
    expect(server.requests[0]?.setId).toBe("team:a.b_c-d");
  });
});

describe("readKey", () => {
  it("returns the one key, or null for an absent kid or set", async () => {
    await server.putRaw("rk", ecJwk("here"));
    const { store } = testStore(server.url);
    expect(await store.readKey("rk", "here")).toMatchObject({ kid: "here", kty: "EC", hasPrivate: true });
    expect(await store.readKey("rk", "gone")).toBeNull();
    expect(await store.readKey("no-such-set", "gone")).toBeNull();
    expect(server.requests.map((r) => r.operation)).toEqual([
      "getJsonWebKey",
      "getJsonWebKey",
      "getJsonWebKey",
    ]);
  });
});

describe("readSets", () => {
  const ids = Array.from({ length: 24 }, (_, i) => `par-${String(i).padStart(2, "0")}`);
  beforeAll(async () => {
    for (const id of ids) await server.putRaw(id, ecJwk(`k-${id}`));
  });

  it.each([4, DEFAULT_PARALLELISM])(
    "reads in parallel: %i requests in flight at most and at best, one GET per set",
    async (parallelism) => {
      server.setLatency(25);
      const { store } = testStore(server.url);
      const sets = await readSets(store, [...ids, "par-absent", ids[0] ?? ""], parallelism);
      expect([...sets.keys()]).toEqual([...ids, "par-absent"]);
      expect(sets.get("par-absent")).toEqual({ setId: "par-absent", exists: false });
      expect(server.maxConcurrency).toBe(parallelism);
      const gets = server.requests.map((r) => r.setId);
      expect(gets).toHaveLength(ids.length + 1);
      expect(new Set(gets).size).toBe(ids.length + 1);
    },
  );

  it("defaults to DEFAULT_PARALLELISM", async () => {
    server.setLatency(25);
    const { store } = testStore(server.url);
    await readSets(store, ids);
    expect(server.maxConcurrency).toBe(DEFAULT_PARALLELISM);
  });

  it("stops starting reads after a failure and rejects with the earliest failed set's error", async () => {
    server.setLatency(10);
    server.setFaults(failOnce(matching({ setId: ids[5] ?? "" }), { kind: "status", status: 400 }));
    const { store } = testStore(server.url);
    const error = await oryError(readSets(store, ids, 2), "rejected");
    expect(error.message).toContain(`GET /admin/keys/${ids[5] ?? ""}`);
    expect(server.requests.length).toBeLessThan(ids.length);
  });
});
