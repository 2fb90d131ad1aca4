import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { calculateJwkThumbprint } from "jose";
import { describe, expect, it } from "vitest";
import { worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// The RFC 7638 thumbprint of an HMAC (oct) key is an unsalted SHA-256 of the secret: shown in a
// plan or a PR comment, it lets anyone test guesses of a passphrase-derived key offline. So an
// oct key needs a kid of its own (the default kid is the thumbprint), and no output or file
// holds that hash; outputs do not show even keysync's salted fingerprint.
let world: E2eWorld;
worldPerTest((w) => (world = w));

const hmac = (): { kty: string; k: string } => ({ kty: "oct", k: randomBytes(32).toString("base64url") });

function spec(kid: string | null): string {
  return [
    "version: 1",
    "sets:",
    "  webhooks:",
    "    keys:",
    ...(kid === null ? ["      - alg: HS256"] : [`      - kid: ${kid}`, "        alg: HS256"]),
    "        source: env:KEYSYNC_HMAC_JWK",
    "",
  ].join("\n");
}

describe("symmetric (oct) keys", () => {
  it("need a kid: none in the spec or the JWK is refused, naming the rule, for validate, plan and apply", async () => {
    const secret = hmac();
    world.canary.addJwk(secret, "hmac");
    world.write("keysets.yaml", spec(null));
    const env = { KEYSYNC_HMAC_JWK: JSON.stringify(secret) };
    const mark = world.mark();
    for (const args of [["validate"], ["plan"], ["apply", "--auto-approve"]]) {
      const run = await world.keysync(args, { env });
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr).toMatch(
        /^keysets\.yaml:6:17: env:KEYSYNC_HMAC_JWK holds a symmetric \(oct\) key without a kid/m,
      );
      expect(run.stderr).not.toContain(await calculateJwkThumbprint(secret, "sha256"));
    }
    expect(world.writesSince(mark)).toEqual([]);
    // The JWK's own kid is a name too.
    const named = await world.keysync(["validate"], {
      env: { KEYSYNC_HMAC_JWK: JSON.stringify({ ...secret, kid: "hook-1" }) },
    });
    expect(named.code).toBe(0);
  });

  it("never show the secret's SHA-256 anywhere, nor keysync's fingerprint in any output, and still see drift", async () => {
    const secret = hmac();
    world.canary.addJwk(secret, "hmac");
    const rfc = await calculateJwkThumbprint(secret, "sha256");
    world.write("keysets.yaml", spec("hook-1"));
    const env = { KEYSYNC_HMAC_JWK: JSON.stringify(secret) };
    const runs = [
      await world.keysync(["plan", "--out", "plan.json"], { env }),
      await world.keysync(["plan", "--json"], { env }),
      await world.keysync(["apply", "plan.json"], { env }),
    ];
    for (const run of runs) expect(run.code).toBe(0);
    expect(runs[0]?.stdout).toMatch(/thumbprint +. \(symmetric key: not shown\)/);
    const list = await world.keysync(["state", "list"], { env });
    const files = ["plan.json", "keysync.state.json"].map((f) => readFileSync(world.path(f), "utf8"));
    const fingerprint = world.state().sets["webhooks"]?.keys[0]?.thumbprint;
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fingerprint).not.toBe(rfc);
    for (const text of [...runs.map((r) => r.stdout + r.stderr), list.stdout + list.stderr, ...files]) {
      expect(text).not.toContain(rfc);
    }
    // Text outputs (plan, apply, state list) hide the fingerprint too.
    const [planRun, , applyRun] = runs;
    for (const text of [planRun?.stdout, `${applyRun?.stdout ?? ""}${applyRun?.stderr ?? ""}`, list.stdout]) {
      expect(text).not.toContain(fingerprint);
    }
    // Equality still works: no changes while the secret stays, a replace once it changes.
    expect((await world.keysync(["plan", "--detailed-exitcode"], { env })).code).toBe(0);
    const next = hmac();
    world.canary.addJwk(next, "next hmac");
    const changed = await world.keysync(["plan", "--detailed-exitcode"], {
      env: { KEYSYNC_HMAC_JWK: JSON.stringify(next) },
    });
    expect(changed.code).toBe(2);
    expect(changed.stdout).toMatch(
      /~ thumbprint +. \(symmetric key: not shown\) -> \(symmetric key: not shown\)/,
    );
    expect(changed.stdout).not.toContain(await calculateJwkThumbprint(next, "sha256"));
  });
});
