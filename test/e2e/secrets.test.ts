import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { failOnce, matching } from "../../src/server/index.js";
import { canaryStats } from "../support/canary.js";
import { E2eWorld, privateEcJwk, specYaml } from "../support/e2e-kit.js";

/**
 * Secret canaries on every surface, across the success path and every error path: stdout and
 * stderr of each command, `--json`, saved plans, the state file and its backup, the lock file,
 * and every file left in the working directory or the CLI's TMPDIR. The canary knows every
 * private member of every key the server holds or the test made, and the API token.
 */
const FAST = { KEYSYNC_RETRY_BASE_DELAY: "5ms", KEYSYNC_RETRY_MAX_ATTEMPTS: "3" };
let world: E2eWorld;
let scenarios = 0;
beforeEach(async () => {
  world = await E2eWorld.start();
});
afterEach(async () => {
  world.expectNoSecrets();
  scenarios += 1;
  await world.stop();
});
afterAll(() => {
  // The figure docs/reliability.md quotes.
  console.log(
    `secret canaries: ${scenarios} scenarios, ${canaryStats.surfaces} surfaces scanned, ${canaryStats.leaks} leaks`,
  );
});

async function managedSet(): Promise<void> {
  world.write("keysets.yaml", specYaml({ tokens: ["a:ES256", "b:RS256"] }));
  expect((await world.keysync(["apply", "--auto-approve"])).code).toBe(0);
  await world.learnKeys("tokens");
}

describe("no secret reaches any surface", () => {
  it("on the success path: plan, apply, JSON, saved plans, import and state commands", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    world.canary.addJwk(rsa.export({ format: "jwk" }), "partner");
    world.write("partner.pem", rsa.export({ type: "pkcs8", format: "pem" }) as string);
    world.write(
      "keysets.yaml",
      specYaml({ tokens: ["a:ES256", "b:RS256"], partner: [{ source: "file:partner.pem", alg: "PS256" }] }),
    );
    expect((await world.keysync(["plan", "--json"])).code).toBe(0);
    expect((await world.keysync(["plan", "--out", "p.plan"])).code).toBe(0);
    expect((await world.keysync(["apply", "p.plan", "--json"])).code).toBe(0);
    await world.learnKeys("tokens", "partner");
    await world.server.putRaw("legacy", privateEcJwk("l"));
    await world.learnKeys("legacy");
    expect((await world.keysync(["import", "legacy"])).code).toBe(0);
    for (const args of [
      ["state", "list"],
      ["state", "show", "tokens"],
      ["state", "show", "partner"],
      ["plan"],
    ]) {
      expect((await world.keysync(args)).code).toBe(0);
    }
    expect((await world.keysync(["state", "rm", "legacy"])).code).toBe(0);
    expect(world.exists("keysync.state.json.backup")).toBe(true);
  });

  it("when the API token is wrong", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const wrong = `ory_pat_wrong_${"x".repeat(32)}`;
    world.canary.addToken(wrong, "wrong token");
    const r = await world.keysync(["plan"], { env: { ORY_PROJECT_API_KEY: wrong } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ORY_PROJECT_API_KEY");
  });

  it("when every request fails with 500", async () => {
    await managedSet();
    world.server.setFaults(() => ({ kind: "status", status: 500 }));
    const r = await world.keysync(["apply", "--auto-approve"], { env: FAST });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/500/);
  });

  it("when Ory's answer is truncated in the middle of a private key", async () => {
    await managedSet();
    const body = JSON.stringify({ keys: await world.server.keys("tokens") });
    const cut = body.indexOf('"d":"') + 30;
    world.server.setFaults(
      failOnce(matching({ method: "GET" }), { kind: "status", status: 200, body: body.slice(0, cut) }),
    );
    const r = await world.keysync(["plan"], { env: { ...FAST, KEYSYNC_RETRY_MAX_ATTEMPTS: "1" } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^Error: /);
  });

  it("when Ory rejects an upload with an error that quotes the key", async () => {
    await managedSet();
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const jwk = rsa.export({ format: "jwk" });
    world.canary.addJwk(jwk, "uploaded");
    world.write("partner.pem", rsa.export({ type: "pkcs8", format: "pem" }) as string);
    world.write(
      "keysets.yaml",
      specYaml({
        tokens: ["a:ES256", "b:RS256"],
        partner: [{ kid: "p", source: "file:partner.pem", alg: "RS256" }],
      }),
    );
    const echo = JSON.stringify({
      error: "Bad Request",
      error_description: `Unable to decode the request body: d=${jwk.d ?? ""} p=${jwk.p ?? ""}`,
    });
    world.server.setFaults(
      failOnce(matching({ method: "PUT" }), { kind: "status", status: 400, body: echo }),
    );
    const r = await world.keysync(["apply", "--auto-approve"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("partner/p: ");
  });

  it("when an env: source holds a private key keysync refuses", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
    world.canary.addJwk(ec, "env key");
    world.write("keysets.yaml", specYaml({ tokens: [{ kid: "e", source: "env:KEYSYNC_EC", alg: "RS256" }] }));
    for (const value of [
      JSON.stringify({ ...ec, alg: "ES256" }),
      JSON.stringify(ec).slice(0, 60),
      `garbage ${ec.d ?? ""}`,
    ]) {
      for (const command of ["validate", "plan"]) {
        const r = await world.keysync([command], { env: { KEYSYNC_EC: value } });
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^keysets\.yaml:\d+:\d+: /m);
      }
    }
  });

  it("in the lock file while an apply runs, and after SIGTERM stops it midway", async () => {
    world.write("keysets.yaml", specYaml({ slow: ["a:ES256", "b:ES256", "c:ES256", "d:ES256"] }));
    world.server.setLatency(250);
    let child: ChildProcess | undefined;
    const run = world.keysync(["apply", "--auto-approve"], { onSpawn: (c) => (child = c) });
    while (!world.server.requests.some((r) => r.method === "POST"))
      await new Promise((r) => setTimeout(r, 10));
    world.canary.expectClean({ lock: readFileSync(world.path("keysync.state.json.lock"), "utf8") });
    child?.kill("SIGTERM");
    const stopped = await run;
    await world.learnKeys("slow");
    // The request in flight finished, its result was saved, the lock released, exit non-zero.
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain("Apply interrupted");
    expect(world.exists("keysync.state.json.lock")).toBe(false);
    const recorded = world.state().sets["slow"]?.keys.map((k) => k.kid) ?? [];
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThan(4);
    expect((await world.liveKids("slow")).sort()).toEqual([...recorded].sort());
    world.server.setLatency(null);
    expect((await world.keysync(["apply", "--auto-approve"])).code).toBe(0);
    await world.learnKeys("slow");
    expect((await world.liveKids("slow")).sort()).toEqual(["a", "b", "c", "d"]);
  });
});
