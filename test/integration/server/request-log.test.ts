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
    await fetch(`${server.url}/admin/keys/my%20set/k%201?x=1`, { method: "PUT", body: JSON.stringify(jwk) });
    await fetch(`${server.url}/keys/my%20set/`);
    await fetch(`${server.url}/admin/keys`, { headers: { accept: "application/json" } });
    await fetch(`${server.url}/admin/keys/s`, { method: "PUT", body: "not json" });
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
        body: jwk,
        bodyBytes: JSON.stringify(jwk).length,
        status: 200,
        fault: null,
        committedStatus: null,
      },
      expect.objectContaining({
        method: "GET",
        path: "/keys/my%20set/",
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
