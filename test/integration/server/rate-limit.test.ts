import { afterEach, describe, expect, it } from "vitest";
import { startServer } from "../../../src/server/index.js";
import type { RunningServer } from "../../../src/server/index.js";
import { ecJwk } from "../../support/test-jwks.js";

let server: RunningServer | undefined;
afterEach(() => server?.close());

describe("write rate limit (token bucket)", () => {
  it("puts Ory's headers on every write, refuses over-limit writes with 429, and refills over time", async () => {
    let now = 0;
    server = await startServer({ rsaBits: 2048, writeRateLimit: { perSecond: 1, burst: 3, now: () => now } });
    const url = server.url;
    const put = (kid: string) =>
      fetch(`${url}/admin/keys/s/${kid}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ecJwk(kid)),
      });

    const allowed = [await put("a"), await put("b"), await put("c")];
    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(allowed.map((r) => r.headers.get("x-ratelimit-remaining"))).toEqual(["2", "1", "0"]);
    expect(allowed.map((r) => r.headers.get("x-ratelimit-reset"))).toEqual(["0", "0", "1"]);
    expect(allowed[0]?.headers.get("x-ratelimit-limit")).toBe("3, 3;w=3");

    const refused = await put("d");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-reset")).toBe("1");
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await server.keys("s")).map((k) => k.kid)).toEqual(["c", "b", "a"]);

    now += 1000;
    expect((await put("d")).status).toBe(200);
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(server.requests.find((r) => r.status === 429)?.fault).toBeNull();
  });

  it("does not limit reads, and DELETE and POST count as writes", async () => {
    let now = 0;
    server = await startServer({ rsaBits: 2048, writeRateLimit: { perSecond: 1, burst: 1, now: () => now } });
    const url = server.url;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/admin/keys/s`);
      expect(res.status).toBe(404);
      expect(res.headers.get("x-ratelimit-limit")).toBeNull();
    }
    expect((await fetch(`${url}/admin/keys/s`, { method: "DELETE" })).status).toBe(204);
    const post = await fetch(`${url}/admin/keys/s`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ alg: "ES256", kid: "k", use: "sig" }),
    });
    expect(post.status).toBe(429);
    expect(await server.keys("s")).toEqual([]);
    now += 1000;
    expect(
      (
        await fetch(`${url}/admin/keys/s`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ alg: "ES256", kid: "k", use: "sig" }),
        })
      ).status,
    ).toBe(201);
  });

  it("can be switched on and off at run time", async () => {
    server = await startServer({ rsaBits: 2048 });
    const url = server.url;
    const del = () => fetch(`${url}/admin/keys/s`, { method: "DELETE" });
    expect((await del()).headers.get("x-ratelimit-remaining")).toBeNull();
    server.setWriteRateLimit({ perSecond: 0.001, burst: 1 });
    expect((await del()).status).toBe(204);
    const refused = await del();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    server.setWriteRateLimit(null);
    expect((await del()).status).toBe(204);
  });
});
