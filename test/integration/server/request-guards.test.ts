import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/run-cli.js";

// `keysync serve` hands private keys to whoever asks, so a web page in the developer's browser
// must not be able to: DNS rebinding (a foreign Host), cross-site writes (a foreign Origin, or a
// body type a form can send without preflight). Tested on the built CLI, as a user runs it.
const URL_LINE = /keysync serve: Ory-compatible JWK admin API on (http:\/\/127\.0\.0\.1:(\d+))/;

interface Served {
  readonly url: string;
  readonly port: number;
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

async function serve(args: readonly string[], env: Record<string, string> = {}): Promise<Served> {
  let child: ChildProcess | undefined;
  let out = "";
  const done = runCli(["serve", "--port", "0", "--rsa-bits", "2048", ...args], {
    env,
    onSpawn: (c) => {
      child = c;
      c.stdout?.on("data", (d: Buffer | string) => (out += String(d)));
    },
  });
  while (!URL_LINE.test(out)) {
    if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`serve exited: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const match = URL_LINE.exec(out);
  return {
    url: match?.[1] ?? "",
    port: Number(match?.[2]),
    stop: async () => {
      child?.kill("SIGTERM");
      return done;
    },
  };
}

/** A raw request, so the Host header can be anything (fetch always sends the URL's). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      res.resume();
      res.on("end", () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const TOKEN = "guard-test-token-0123456789";
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keysync-guards-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("keysync serve refuses requests a browser page could send", () => {
  it("answers 421 to a Host that is not the address it listens on (DNS rebinding), and serves its own", async () => {
    const server = await serve([]);
    try {
      const at = (host: string): Promise<number> => send(server.port, "GET", "/admin/keys/s", { host });
      for (const host of [
        `evil.example:${server.port}`,
        `127.0.0.1.nip.io:${server.port}`,
        "127.0.0.1:1",
        "localhost",
      ]) {
        expect({ host, status: await at(host) }).toEqual({ host, status: 421 });
      }
      for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
        expect({ host, status: await at(host) }).toEqual({ host, status: 404 });
      }
    } finally {
      await server.stop();
    }
  });

  it("refuses cross-origin requests and form-encodable write bodies, and changes nothing", async () => {
    const server = await serve([]);
    try {
      const host = `127.0.0.1:${server.port}`;
      const body = JSON.stringify({ alg: "ES256", kid: "k", use: "sig" });
      const attempts: [Record<string, string>, number][] = [
        [{ host, "content-type": "text/plain;charset=UTF-8" }, 415],
        [{ host, "content-type": "application/x-www-form-urlencoded" }, 415],
        [{ host, "content-type": "multipart/form-data; boundary=x" }, 415],
        [{ host, "content-type": "application/json", origin: "https://evil.example" }, 403],
        [{ host, "content-type": "application/json", origin: "null" }, 403],
      ];
      for (const [headers, status] of attempts) {
        expect({ headers, status: await send(server.port, "POST", "/admin/keys/s", headers, body) }).toEqual({
          headers,
          status,
        });
      }
      const read = await fetch(`${server.url}/admin/keys/s`);
      expect(read.status).toBe(404);
      // Its own origin and JSON are fine.
      const own = await send(
        server.port,
        "POST",
        "/admin/keys/s",
        { host, "content-type": "application/json", origin: server.url },
        body,
      );
      expect(own).toBe(201);
    } finally {
      await server.stop();
    }
  });
});

describe("keysync serve's token", () => {
  it("comes from --token-file or KEYSYNC_SERVE_TOKEN, never printed, and only one way at a time", async () => {
    const file = join(dir, "token");
    writeFileSync(file, `${TOKEN}\n`);
    for (const [args, env] of [
      [["--token-file", file], {}],
      [[], { KEYSYNC_SERVE_TOKEN: TOKEN }],
    ] as const) {
      const server = await serve(args, env);
      const denied = await fetch(`${server.url}/admin/keys/s`);
      const allowed = await fetch(`${server.url}/admin/keys/s`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const result = await server.stop();
      expect({ args, denied: denied.status, allowed: allowed.status }).toEqual({
        args,
        denied: 401,
        allowed: 404,
      });
      expect(result.stdout + result.stderr).not.toContain(TOKEN);
      expect(result.stdout).toContain("bearer token required");
    }
    const both = await runCli(["serve", "--port", "0", "--token-file", file], {
      env: { KEYSYNC_SERVE_TOKEN: TOKEN },
    });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("give the token one way");
    for (const bad of ["/dev/zero", dir]) {
      const refused = await runCli(["serve", "--port", "0", "--token-file", bad]);
      expect({ bad, code: refused.code }).toEqual({ bad, code: 1 });
      expect(refused.stderr).toContain("must be a regular file");
    }
  });
});
