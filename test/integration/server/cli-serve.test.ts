import { existsSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { startServer } from "../../../src/server/index.js";
import { captureIo } from "../../support/capture-io.js";
import type { CapturedIo } from "../../support/capture-io.js";
import { CLI, runCli } from "../../support/run-cli.js";

const URL_LINE = /^keysync serve: Ory-compatible JWK admin API on (http:\/\/127\.0\.0\.1:\d+) \((.*)\)\n$/;

/** `captureIo` with a signal the test controls (SIGINT/SIGTERM stand-in). */
function ioWithSignal(): { io: CapturedIo; stop: () => void } {
  const controller = new AbortController();
  const io: CapturedIo = { ...captureIo(), signal: controller.signal };
  return {
    io,
    stop: () => {
      controller.abort();
    },
  };
}

describe("keysync serve (in-process)", () => {
  it("prints its URL, serves until the signal aborts, then returns 0", async () => {
    const { io, stop } = ioWithSignal();
    const running = main(["serve", "--port", "0", "--rsa-bits", "2048"], io);
    while (!URL_LINE.test(io.out())) await new Promise((r) => setTimeout(r, 10));
    const url = URL_LINE.exec(io.out())?.[1] ?? "";
    expect((await fetch(`${url}/admin/keys/x`)).status).toBe(404);
    stop();
    expect(await running).toBe(0);
    expect(URL_LINE.exec(io.out())?.[2]).toBe("in memory");
  });

  it.each([
    [["--rsa-bits", "1024"], /--rsa-bits must be a whole number from 2048 to 8192/],
    [["--port", "70000"], /--port must be a whole number from 0 to 65535/],
    [
      ["--host", "0.0.0.0"],
      /refusing to serve private keys on the non-loopback host 0\.0\.0\.0 without a token/,
    ],
    [["--token", ""], /the token must not be empty/],
  ])("refuses %j with exit 1", async (args, message) => {
    const io = captureIo();
    expect(await main(["serve", ...args], io)).toBe(1);
    expect(io.err()).toMatch(message);
    expect(io.out()).toBe("");
  });

  it("exits 1 with a clear message when the port is taken", async () => {
    const busy = await startServer({ rsaBits: 2048 });
    const io = captureIo();
    expect(await main(["serve", "--port", String(busy.port)], io)).toBe(1);
    expect(io.err()).toContain(`port ${busy.port} on 127.0.0.1 is already in use`);
    await busy.close();
  });

  it("never prints the token", async () => {
    const { io, stop } = ioWithSignal();
    const running = main(["serve", "--port", "0", "--token", "s3cr3t-token-value"], io);
    while (!URL_LINE.test(io.out())) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(await running).toBe(0);
    expect(io.out()).toContain("bearer token required");
    expect(io.out() + io.err()).not.toContain("s3cr3t-token-value");
  });
});

describe("keysync serve (built CLI, child process)", () => {
  it("serves real requests and exits 0 on SIGTERM", async () => {
    expect(
      existsSync(CLI),
      "dist/cli.js is missing: run `npm run build` (npm test does it via pretest)",
    ).toBe(true);
    let child: ChildProcess | undefined;
    let out = "";
    const done = runCli(["serve", "--port", "0", "--rsa-bits", "2048"], {
      onSpawn: (c) => {
        child = c;
        c.stdout?.on("data", (d: Buffer | string) => (out += String(d)));
      },
    });
    while (!URL_LINE.test(out)) {
      if (child?.exitCode !== null && child?.exitCode !== undefined) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = URL_LINE.exec(out)?.[1];
    expect(url, `no URL line in: ${out}`).toBeDefined();

    const post = await fetch(`${url ?? ""}/admin/keys/cli`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ alg: "ES256", kid: "k", use: "sig" }),
    });
    expect(post.status).toBe(201);
    const get = await fetch(`${url ?? ""}/admin/keys/cli`);
    expect(((await get.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual(["k"]);

    child?.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(URL_LINE);
    expect(result.stderr).toBe("");
  });
});
