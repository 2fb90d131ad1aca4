import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../../src/server/index.js";
import type { RunningServer } from "../../../src/server/index.js";
import { ecJwk } from "../../support/test-jwks.js";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ rsaBits: 2048 });
});
afterAll(() => server.close());

describe("the request log", () => {
  it("records method, raw path, query, operation, decoded ids, parsed body and status", async () => {
    server.clearRequests();
    const jwk = ecJwk("k 1");
    await fetch(`${server.url}/admin/keys/my%20set/k%201?x=1`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(jwk),
    });
    await fetch(`${server.url}/keys/my%20set/`);
    await fetch(`${server.url}/admin/keys`, { headers: { accept: "application/json" } });
    await fetch(`${server.url}/admin/keys/s`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "not json",
    });
    expect(server.requests).toEqual([
      {
        seq: expect.any(Number) as unknown,
        method: "PUT",
        path: "/admin/keys/my%20set/k%201",
        query: "x=1",
        operation: "setJsonWebKey",
        setId: "my set",
        kid: "k 1",
        authorized: false,
        // The private member is a salted fingerprint in the log, never the key itself.
        body: { ...jwk, d: expect.stringMatching(/^\[private [A-Za-z0-9_-]{12}\]$/) as unknown },
        bodyBytes: JSON.stringify(jwk).length,
        status: 200,
        fault: null,
        committedStatus: null,
      },
      // fetch follows the router's redirects, and each hop is a request of its own.
      expect.objectContaining({ method: "GET", path: "/keys/my%20set/", operation: null, status: 301 }),
      expect.objectContaining({ method: "GET", path: "/keys/my%20set", operation: null, status: 307 }),
      expect.objectContaining({
        method: "GET",
        path: "/admin/keys/my%20set",
        operation: "getJsonWebKeySet",
        setId: "my set",
        kid: null,
        status: 200,
      }),
      expect.objectContaining({ operation: null, setId: null, status: 404 }),
      expect.objectContaining({ operation: "setJsonWebKeySet", body: undefined, bodyBytes: 8, status: 400 }),
    ]);
  });

  it("numbers requests in arrival order and hands out copies", async () => {
    server.clearRequests();
    await fetch(`${server.url}/admin/keys/a`);
    await fetch(`${server.url}/admin/keys/b`);
    const [first, second] = server.requests;
    expect((second?.seq ?? 0) - (first?.seq ?? 0)).toBe(1);
    server.clearRequests();
    expect(server.requests).toEqual([]);
    expect(first?.setId).toBe("a");
  });

  it("does not record out-of-band changes", async () => {
    server.clearRequests();
    await server.putRaw("oob", ecJwk("k"));
    await server.deleteRaw("oob", "k");
    await server.deleteRaw("oob");
    expect(server.requests).toEqual([]);
  });
});

describe("the request log's limits", () => {
  it("keeps no private member, and the same material gets the same fingerprint", async () => {
    server.clearRequests();
    const a = ecJwk("a");
    const b = ecJwk("b");
    for (const jwk of [a, a, b]) {
      await fetch(`${server.url}/admin/keys/fp/${String(jwk["kid"])}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(jwk),
      });
    }
    await fetch(`${server.url}/admin/keys/fp`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keys: [a, b] }),
    });
    const logged = JSON.stringify(server.requests);
    for (const secret of [a["d"], b["d"]]) expect(logged).not.toContain(secret);
    const ds = server.requests.slice(0, 3).map((r) => (r.body as { d: string }).d);
    expect(ds[0]).toBe(ds[1]);
    expect(ds[2]).not.toBe(ds[0]);
  });

  it("keeps no body of a request refused by the token check or the request guards", async () => {
    const guarded = await startServer({ rsaBits: 2048, token: "t0ken-for-the-log-test" });
    try {
      const jwk = ecJwk("k");
      const attempts: RequestInit[] = [
        { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(jwk) },
        {
          method: "PUT",
          headers: { authorization: "Bearer t0ken-for-the-log-test" },
          body: JSON.stringify(jwk),
        },
        {
          method: "PUT",
          headers: {
            authorization: "Bearer t0ken-for-the-log-test",
            "content-type": "application/json",
            origin: "https://evil.example",
          },
          body: JSON.stringify(jwk),
        },
      ];
      for (const init of attempts) await fetch(`${guarded.url}/admin/keys/s/k`, init);
      expect(guarded.requests.map((r) => [r.status, r.body])).toEqual([
        [401, undefined],
        [415, undefined],
        [403, undefined],
      ]);
      expect(await guarded.keys("s")).toEqual([]);
    } finally {
      await guarded.close();
    }
  });

  it("is bounded, and can be off", async () => {
    const small = await startServer({ rsaBits: 2048, requestLog: { maxEntries: 10 } });
    const none = await startServer({ rsaBits: 2048, requestLog: false });
    try {
      for (let i = 0; i < 40; i++) {
        await fetch(`${small.url}/admin/keys/s${i}`);
        await fetch(`${none.url}/admin/keys/s${i}`);
      }
      expect(small.requests.length).toBeLessThanOrEqual(13);
      expect(small.requests.at(-1)?.path).toBe("/admin/keys/s39");
      expect(none.requests).toEqual([]);
    } finally {
      await small.close();
      await none.close();
    }
  });
});
