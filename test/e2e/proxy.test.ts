import { createServer } from "node:net";
import type { Server } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// Proxy variables never route a loopback target (plain http carrying the token and private keys)
// off this machine; other targets follow HTTPS_PROXY / NO_PROXY as curl and npm do.
let world: E2eWorld;
worldPerTest((w) => (world = w));

/** A loopback "proxy" that records the first line of every connection and answers 403. */
let proxy: { url: string; seen: string[]; server: Server };
beforeEach(async () => {
  const seen: string[] = [];
  const server = createServer((socket) => {
    socket.once("data", (chunk: Buffer) => {
      seen.push(chunk.toString("latin1").split("\r\n")[0] ?? "");
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  proxy = { url: `http://127.0.0.1:${port}`, seen, server };
});
afterEach(async () => {
  await new Promise<void>((resolve) =>
    proxy.server.close(() => {
      resolve();
    }),
  );
});

describe("proxy variables", () => {
  it("never route a loopback target, whichever variable names the proxy", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    for (const name of ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY"]) {
      const run = await world.keysync(["apply", "--auto-approve"], { env: { [name]: proxy.url } });
      expect({ name, code: run.code }).toEqual({ name, code: 0 });
    }
    expect(proxy.seen).toEqual([]);
    // Everything went straight to the server, token included.
    expect(world.server.requests.length).toBeGreaterThan(0);
    expect(world.server.requests.every((r) => r.authorized)).toBe(true);
    await world.learnKeys("tokens");
  });

  it("route an https target that is not loopback through HTTPS_PROXY with CONNECT", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    // The host is never resolved here: only the loopback proxy is contacted, and it refuses.
    const target = "https://ory.invalid";
    const run = await world.keysync(["plan", "--target", target], {
      env: { HTTPS_PROXY: proxy.url, KEYSYNC_RETRY_MAX_ATTEMPTS: "1" },
    });
    expect(run.code).toBe(1);
    expect(proxy.seen).toEqual(["CONNECT ory.invalid:443 HTTP/1.1"]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(world.token);
    expect(world.server.requests).toEqual([]);
  });
});
