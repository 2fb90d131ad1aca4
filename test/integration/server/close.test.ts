import { Agent, request } from "node:http";
import { describe, expect, it } from "vitest";
import { startServer } from "../../../src/server/index.js";

// The hang guard is vitest's timeout: each of these would never finish if close() waited on a socket.
describe("close()", () => {
  it("does not wait for idle keep-alive connections", async () => {
    const server = await startServer({ rsaBits: 2048 });
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    await new Promise<void>((resolve, reject) => {
      request(`${server.url}/admin/keys/s`, { agent }, (res) => {
        res.resume().on("end", resolve);
      })
        .on("error", reject)
        .end();
    });
    await server.close();
    agent.destroy();
    await expect(fetch(`${server.url}/admin/keys/s`)).rejects.toThrow();
  });

  it("drops a request stuck in latency instead of waiting for it", async () => {
    const server = await startServer({ rsaBits: 2048, latencyMs: 600_000 });
    const pending = fetch(`${server.url}/admin/keys/s`);
    while (server.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    await expect(pending).rejects.toThrow();
    expect(server.requests[0]?.status).toBe("dropped");
  });

  it("can be called twice", async () => {
    const server = await startServer({ rsaBits: 2048 });
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });

  it("refuses a port that is taken with a clear error", async () => {
    const server = await startServer({ rsaBits: 2048 });
    await expect(startServer({ port: server.port })).rejects.toThrow(
      `port ${server.port} on 127.0.0.1 is already in use`,
    );
    await server.close();
  });
});
