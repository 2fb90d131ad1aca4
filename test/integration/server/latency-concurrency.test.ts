import { afterEach, describe, expect, it } from "vitest";
import { startServer } from "../../../src/server/index.js";
import type { FaultRequest, RunningServer } from "../../../src/server/index.js";

let server: RunningServer | undefined;
afterEach(() => server?.close());

describe("latency and concurrency counters", () => {
  it("counts requests in flight at once, overall and per set", async () => {
    server = await startServer({ rsaBits: 2048, latencyMs: 400 });
    const url = server.url;
    await Promise.all([
      ...Array.from({ length: 4 }, () => fetch(`${url}/admin/keys/a`)),
      fetch(`${url}/admin/keys/b`),
    ]);
    expect(server.maxConcurrency).toBe(5);
    expect(server.maxSetConcurrency).toBe(4);
    expect(server.inFlight).toBe(0);
    server.resetConcurrency();
    expect([server.maxConcurrency, server.maxSetConcurrency]).toEqual([0, 0]);
    await fetch(`${url}/admin/keys/a`);
    expect([server.maxConcurrency, server.maxSetConcurrency]).toEqual([1, 1]);
  });

  it("asks a latency function about every request, and can be changed at run time", async () => {
    const asked: string[] = [];
    server = await startServer({
      rsaBits: 2048,
      latencyMs: (r: FaultRequest) => {
        asked.push(`${r.method} ${r.path}`);
        return r.method === "GET" ? 0 : 20;
      },
    });
    await fetch(`${server.url}/admin/keys/s`);
    await fetch(`${server.url}/admin/keys/s`, { method: "DELETE" });
    expect(asked).toEqual(["GET /admin/keys/s", "DELETE /admin/keys/s"]);
    server.setLatency(null);
    await fetch(`${server.url}/admin/keys/s`);
    expect(asked).toHaveLength(2);
  });
});
