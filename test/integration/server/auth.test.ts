import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../../src/server/index.js";
import type { RunningServer } from "../../../src/server/index.js";
import { ecJwk } from "../../support/test-jwks.js";

const TOKEN = "ory_pat_test-token";
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ rsaBits: 2048, token: TOKEN });
});
afterAll(() => server.close());

const UNAUTHORIZED = {
  error: { code: 401, status: "Unauthorized", message: "The request could not be authorized" },
};

describe("bearer token", () => {
  it("answers 401 on /admin/* without the right token, and changes nothing", async () => {
    for (const authorization of [undefined, "Bearer wrong", `Basic ${TOKEN}`, "Bearer "]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const res = await fetch(`${server.url}/admin/keys/s/k`, {
        method: "PUT",
        headers,
        body: JSON.stringify(ecJwk("k")),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }
    expect(await server.keys("s")).toEqual([]);
  });

  it("protects the /keys alias and unknown admin routes too", async () => {
    expect((await fetch(`${server.url}/keys/s`)).status).toBe(401);
    expect((await fetch(`${server.url}/admin/nothing`)).status).toBe(401);
  });

  it("lets the right token through, case-insensitively for the scheme", async () => {
    const ok = await fetch(`${server.url}/admin/keys/s/k`, {
      method: "PUT",
      headers: { authorization: `bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(ecJwk("k")),
    });
    expect(ok.status).toBe(200);
    const res = await fetch(`${server.url}/admin/keys/s`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it("keeps /.well-known/jwks.json public", async () => {
    expect((await fetch(`${server.url}/.well-known/jwks.json`)).status).toBe(200);
  });

  it("logs whether a token was sent, never its value", async () => {
    server.clearRequests();
    await fetch(`${server.url}/admin/keys/s`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await fetch(`${server.url}/admin/keys/s`);
    expect(server.requests.map((r) => [r.authorized, r.status])).toEqual([
      [true, 200],
      [false, 401],
    ]);
    expect(JSON.stringify(server.requests)).not.toContain(TOKEN);
  });
});
