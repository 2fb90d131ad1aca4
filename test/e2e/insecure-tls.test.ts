import { createServer } from "node:net";
import type { Server } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for the whole process, silently.
// keysync refuses to connect then (the token and Ory's answers, private keys included, would
// cross interceptable TLS) unless --insecure-tls says the user accepts it.
let world: E2eWorld;
worldPerTest((w) => (world = w));

/** A loopback TCP listener that counts connections (it speaks no TLS: any attempt is seen). */
let listener: { url: string; connections: number; server: Server };
beforeEach(async () => {
  const state = { connections: 0 };
  const server = createServer((socket) => {
    state.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  listener = {
    url: `https://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    server,
  };
});
afterEach(async () => {
  await new Promise<void>((resolve) =>
    listener.server.close(() => {
      resolve();
    }),
  );
});

const OFF = { NODE_TLS_REJECT_UNAUTHORIZED: "0", KEYSYNC_RETRY_MAX_ATTEMPTS: "1" };

describe("TLS without certificate checks", () => {
  it("is refused before any connection by plan, apply and import", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    for (const args of [["plan"], ["apply", "--auto-approve"], ["import", "tokens"]]) {
      const run = await world.keysync([...args, "--target", listener.url], { env: OFF });
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr).toContain("NODE_TLS_REJECT_UNAUTHORIZED=0");
      expect(run.stderr).toContain("--insecure-tls");
    }
    // From the environment or the spec too: the rule is on the resolved target.
    const fromEnv = await world.keysync(["plan"], { env: { ...OFF, ORY_SDK_URL: listener.url } });
    expect(fromEnv.stderr).toContain("NODE_TLS_REJECT_UNAUTHORIZED=0");
    expect(listener.connections).toBe(0);
  });

  it("is attempted with --insecure-tls, with a warning", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const run = await world.keysync(["plan", "--insecure-tls", "--target", listener.url], { env: OFF });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Warning: TLS certificate checks are off");
    expect(listener.connections).toBeGreaterThan(0);
  });
});
