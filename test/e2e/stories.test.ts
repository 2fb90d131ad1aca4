import { generateKeyPairSync } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { calculateJwkThumbprint } from "jose";
import type { JWK } from "jose";
import { privateEcJwk, specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";
import { expectValidPlanJson } from "../support/plan-schema.js";

let world: E2eWorld;
worldPerTest((w) => (world = w));

const apply = ["apply", "--auto-approve"];
const detailedPlan = ["plan", "--detailed-exitcode"];

describe("a fresh set", () => {
  it("is planned, created in spec order, recorded in state, and a second apply sends no write", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["old:ES256", "new:EdDSA"] }));

    const plan = await world.keysync(detailedPlan);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("Plan: 2 to add, 0 to change, 0 to destroy.");
    expect(world.writesSince(0)).toEqual([]);
    expect(world.exists("keysync.state.json")).toBe(false);

    const first = await world.keysync(apply);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Apply complete! Keys: 2 added, 0 changed, 0 destroyed.");
    // Newest first: the last key in spec order was written last and signs.
    expect(await world.liveKids("tokens")).toEqual(["new", "old"]);
    expect(await world.server.sign("tokens")).toBe("new");
    const state = world.state();
    const live = await world.server.keys("tokens");
    expect(state.sets["tokens"]?.keys.map((k) => [k.kid, k.origin])).toEqual([
      ["new", "generated"],
      ["old", "generated"],
    ]);
    for (const k of state.sets["tokens"]?.keys ?? []) {
      const jwk = live.find((l) => l.kid === k.kid) as JWK;
      expect(k.thumbprint).toBe(await calculateJwkThumbprint(jwk));
    }
    expect(state.pending).toEqual([]);
    await world.learnKeys("tokens");

    const mark = world.mark();
    const second = await world.keysync(apply);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/No changes\.\n$/);
    expect(world.writesSince(mark)).toEqual([]);
    // One GET per set, never one per key.
    expect(world.server.requests.slice(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /admin/keys/tokens",
    ]);
    expect((await world.keysync(detailedPlan)).code).toBe(0);
  });

  it("refuses to apply without a terminal unless --auto-approve is given, sending nothing", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const refused = await world.keysync(["apply"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--auto-approve");
    expect(world.writesSince(0)).toEqual([]);
    expect(world.exists("keysync.state.json.lock")).toBe(false);
  });

  it("prints a JSON plan that matches the published schema, and apply --json adds the result", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const plan = await world.keysync(["plan", "--json"]);
    expect(plan.code).toBe(0);
    const doc = JSON.parse(plan.stdout) as {
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    expectValidPlanJson(doc);
    expect(doc.resource_changes.map((c) => [c.address, c.change.actions])).toEqual([
      ["tokens/a", ["create"]],
    ]);

    const applied = await world.keysync(["apply", "--auto-approve", "--json"]);
    expect(applied.code).toBe(0);
    const result = JSON.parse(applied.stdout) as { result: unknown };
    expectValidPlanJson(result);
    expect(result.result).toMatchObject({ done: ["tokens/a"], failed: [], not_attempted: [] });
    await world.learnKeys("tokens");
  });
});

describe("drift", () => {
  beforeEach(async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256", "b:ES256"] }));
    expect((await world.keysync(apply)).code).toBe(0);
    await world.learnKeys("tokens");
  });

  it("re-creates a key deleted out of band", async () => {
    await world.server.deleteRaw("tokens", "a");
    const plan = await world.keysync(["plan"]);
    expect(plan.stdout).toContain("managed by keysync but deleted outside it");
    expect((await world.keysync(apply)).code).toBe(0);
    expect((await world.liveKids("tokens")).sort()).toEqual(["a", "b"]);
    await world.learnKeys("tokens");
  });

  it("deletes a key added out of band under a kid the spec does not declare", async () => {
    const intruder = privateEcJwk("intruder");
    world.canary.addJwk(intruder, "intruder");
    await world.server.putRaw("tokens", intruder);
    const plan = await world.keysync(detailedPlan);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("tokens/intruder will be deleted: not declared in the spec");
    const mark = world.mark();
    expect((await world.keysync(apply)).code).toBe(0);
    expect(world.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      "DELETE /admin/keys/tokens/intruder",
    ]);
    expect((await world.liveKids("tokens")).sort()).toEqual(["a", "b"]);
  });

  it("replaces a key whose material was swapped under the same kid (tamper evidence)", async () => {
    const swapped = privateEcJwk("a");
    world.canary.addJwk(swapped, "swapped");
    await world.server.putRaw("tokens", swapped);
    const plan = await world.keysync(["plan", "--json"]);
    const doc = JSON.parse(plan.stdout) as {
      resource_changes: { address: string; change: { actions: string[] }; action_reason: string }[];
    };
    expect(doc.resource_changes.find((c) => c.address === "tokens/a")).toMatchObject({
      change: { actions: ["delete", "create"] },
      action_reason: "replaced_outside",
    });
    const mark = world.mark();
    expect((await world.keysync(apply)).code).toBe(0);
    expect(world.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      "DELETE /admin/keys/tokens/a",
      "POST /admin/keys/tokens",
    ]);
    const fresh = (await world.server.keys("tokens")).find((k) => k.kid === "a");
    expect(fresh?.d).not.toBe(swapped.d);
    await world.learnKeys("tokens");
    expect((await world.keysync(detailedPlan)).code).toBe(0);
  });
});

describe("ownership", () => {
  it("refuses to take over a live set it does not manage until it is imported, then finds no changes", async () => {
    await world.server.putRaw("legacy", privateEcJwk("k1"));
    await world.learnKeys("legacy");
    world.write("keysets.yaml", specYaml({ legacy: ["k1:ES256"] }));

    const refused = await world.keysync(["plan"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("keysync import legacy");
    expect(refused.stdout).toBe("");

    const imported = await world.keysync(["import", "legacy"]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("Imported legacy: 1 key (k1); signer k1.");
    expect(world.state().sets["legacy"]?.keys).toEqual([
      expect.objectContaining({ kid: "k1", origin: "imported" }),
    ]);
    expect(world.writesSince(0)).toEqual([]);
    expect((await world.keysync(detailedPlan)).code).toBe(0);
  });

  it("refuses to import a set that does not exist, writing nothing", async () => {
    world.write("keysets.yaml", specYaml({}));
    const r = await world.keysync(["import", "nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("set nope does not exist");
    expect(world.exists("keysync.state.json")).toBe(false);
  });

  it("deletes a managed set removed from the spec", async () => {
    world.write("keysets.yaml", specYaml({ keep: ["k:ES256"], drop: ["d1:ES256", "d2:EdDSA"] }));
    expect((await world.keysync(apply)).code).toBe(0);
    await world.learnKeys("keep", "drop");
    world.write("keysets.yaml", specYaml({ keep: ["k:ES256"] }));
    const plan = await world.keysync(["plan"]);
    expect(plan.stdout).toContain("drop will be deleted with its 2 keys");
    expect(plan.stdout).toContain("Plan: 0 to add, 0 to change, 1 to destroy.");
    const mark = world.mark();
    expect((await world.keysync(apply)).code).toBe(0);
    expect(world.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual(["DELETE /admin/keys/drop"]);
    expect(Object.keys(world.state().sets)).toEqual(["keep"]);
  });

  it("manages a reserved set after import but never deletes it", async () => {
    const id = "hydra.openid.id-token";
    const random = await world.server.sign(id); // Hydra creates it with a random key on first use
    await world.learnKeys(id);
    expect((await world.keysync(["import", id])).code).toBe(0);
    world.write("keysets.yaml", specYaml({ [id]: ["id-2026:ES256"] }));

    const plan = await world.keysync(["plan"]);
    expect(plan.stdout).toContain(`${id}/id-2026 will be created`);
    expect(plan.stdout).toContain(`${id}/${random} will be deleted`);
    expect((await world.keysync(apply)).code).toBe(0);
    expect(await world.liveKids(id)).toEqual(["id-2026"]);
    await world.learnKeys(id);

    world.write("keysets.yaml", specYaml({}));
    const refused = await world.keysync(["plan"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`keysync state rm ${id}`);
    const mark = world.mark();
    expect((await world.keysync(apply)).code).toBe(1);
    expect(world.writesSince(mark)).toEqual([]);
    expect(await world.liveKids(id)).toEqual(["id-2026"]);
  });
});

describe("source keys", () => {
  it("uploads keys from a PEM file, a JWK file and an env var, with RFC 7638 thumbprint kids", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const ed = generateKeyPairSync("ed25519");
    world.write("rsa.pem", rsa.privateKey.export({ type: "pkcs1", format: "pem" }) as string);
    const ecJwk = ec.privateKey.export({ format: "jwk" });
    world.write("ec.jwk.json", JSON.stringify(ecJwk));
    const edJwk = ed.privateKey.export({ format: "jwk" });
    for (const [jwk, label] of [
      [rsa.privateKey.export({ format: "jwk" }), "rsa"],
      [ecJwk, "ec"],
      [edJwk, "ed"],
    ] as const)
      world.canary.addJwk(jwk, label);

    world.write(
      "keysets.yaml",
      specYaml({
        partner: [
          { source: "file:rsa.pem", alg: "RS256" },
          { source: "file:ec.jwk.json", alg: "ES384" },
          { source: "env:KEYSYNC_ED_KEY", alg: "EdDSA" },
        ],
      }),
    );
    const env = { KEYSYNC_ED_KEY: JSON.stringify(edJwk) };
    expect((await world.keysync(["validate"], { env })).code).toBe(0);
    const applied = await world.keysync(apply, { env });
    expect(applied.code).toBe(0);

    const expected = await Promise.all(
      [rsa.publicKey, ec.publicKey, ed.publicKey].map((k) =>
        calculateJwkThumbprint(k.export({ format: "jwk" }) as JWK),
      ),
    );
    expect((await world.liveKids("partner")).sort()).toEqual([...expected].sort());
    for (const k of await world.server.keys("partner"))
      expect(await calculateJwkThumbprint(k as JWK)).toBe(k.kid);
    // Every PUT body carries kty, kid, alg and use, and body kid = path kid (contract §3).
    for (const r of world.server.requests.filter((x) => x.method === "PUT")) {
      const body = r.body as Record<string, unknown>;
      expect([body["kid"], typeof body["kty"], typeof body["alg"], body["use"]]).toEqual([
        r.kid,
        "string",
        "string",
        "sig",
      ]);
    }
    expect((await world.keysync(detailedPlan, { env })).code).toBe(0);
  });
});
