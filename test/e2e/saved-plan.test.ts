import { generateKeyPairSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeKey } from "../../src/jwk/describe-key.js";
import { startServer } from "../../src/server/index.js";
import { E2eWorld, privateEcJwk, specYaml } from "../support/e2e-kit.js";

let world: E2eWorld;
beforeEach(async () => {
  world = await E2eWorld.start();
  // A managed set, then a change to it saved as a plan: create b, delete a.
  world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
  expect((await world.keysync(["apply", "--auto-approve"])).code).toBe(0);
  await world.learnKeys("tokens");
  world.write("keysets.yaml", specYaml({ tokens: ["b:ES256"] }));
});
afterEach(async () => {
  world.expectNoSecrets();
  await world.stop();
});

interface PlanFileJson {
  plan: {
    target: string;
    sets: { setId: string; entries: Record<string, unknown>[]; [k: string]: unknown }[];
  };
}

function readPlanFile(): PlanFileJson {
  return JSON.parse(readFileSync(world.path("tokens.plan"), "utf8")) as PlanFileJson;
}

function writePlanFile(file: PlanFileJson): void {
  writeFileSync(world.path("tokens.plan"), JSON.stringify(file, null, 2));
}

function entries(file: PlanFileJson): Record<string, unknown>[] {
  return file.plan.sets.flatMap((s) => s.entries);
}

function renameKid(file: PlanFileJson, from: string, to: string): void {
  for (const e of entries(file)) {
    if (e["kid"] === from) e["kid"] = to;
    const after = e["after"] as Record<string, unknown> | undefined;
    if (after?.["kid"] === from) after["kid"] = to;
  }
}

function setField(file: PlanFileJson, field: string, value: string): void {
  for (const e of entries(file)) {
    if (e["kind"] !== "generate") continue;
    e[field] = value;
    const after = e["after"] as Record<string, unknown>;
    after[field] = value;
  }
}

function dropEntry(file: PlanFileJson, kind: string): void {
  for (const s of file.plan.sets) s.entries = s.entries.filter((e) => e["kind"] !== kind);
}

async function savePlan(): Promise<void> {
  const saved = await world.keysync(["plan", "--out", "tokens.plan"]);
  expect(saved.code).toBe(0);
  expect(saved.stderr).toContain("Saved the plan to tokens.plan");
}

/** Applies the saved plan expecting a refusal that names `check`, with no write sent. */
async function expectRefused(check: string, args: string[] = []): Promise<string> {
  const mark = world.mark();
  const r = await world.keysync(["apply", "tokens.plan", ...args]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("cannot be applied; nothing was sent");
  expect(r.stderr).toContain(`${check}:`);
  expect(world.writesSince(mark)).toEqual([]);
  expect(await world.liveKids("tokens")).toEqual(["a"]);
  return r.stderr;
}

describe("a saved plan", () => {
  it("is applied exactly, with no prompt, and holds no key material", async () => {
    await savePlan();
    const file = JSON.parse(readFileSync(world.path("tokens.plan"), "utf8")) as {
      format: string;
      specFile: string;
    };
    expect(file).toMatchObject({ format: "keysync-plan", specFile: "keysets.yaml" });
    const mark = world.mark();
    const applied = await world.keysync(["apply", "tokens.plan"]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Apply complete! Keys: 1 added, 0 changed, 1 destroyed.");
    expect(world.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /admin/keys/tokens",
      "DELETE /admin/keys/tokens/a",
    ]);
    expect(await world.liveKids("tokens")).toEqual(["b"]);
    await world.learnKeys("tokens");
  });

  it("is refused when the state changed since (serial)", async () => {
    await savePlan();
    await world.server.putRaw("other", privateEcJwk("o"));
    await world.learnKeys("other");
    expect((await world.keysync(["import", "other"])).code).toBe(0);
    const stderr = await expectRefused("state serial");
    expect(stderr).not.toContain("live keys:");
  });

  it("is refused against another state file (lineage)", async () => {
    await savePlan();
    const state = JSON.parse(readFileSync(world.path("keysync.state.json"), "utf8")) as { lineage: string };
    state.lineage = "11111111-2222-4333-8444-555555555555";
    writeFileSync(world.path("keysync.state.json"), JSON.stringify(state));
    await expectRefused("state lineage");
  });

  it("is refused against another target, and nothing at all is sent to it", async () => {
    await savePlan();
    const other = await startServer({ rsaBits: 2048, token: world.token });
    try {
      for (const env of [{}, { ORY_SDK_URL: other.url }]) {
        const r = await world.keysync(
          ["apply", "tokens.plan", ...("ORY_SDK_URL" in env ? [] : ["--target", other.url])],
          {
            env,
          },
        );
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`but the target is ${other.url}`);
      }
      // Not a read, not a token: the state's target was checked before any request.
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("never takes its target from the plan file: an edited target is refused before anything is sent", async () => {
    await savePlan();
    const other = await startServer({ rsaBits: 2048 });
    try {
      const file = readPlanFile();
      file.plan.target = other.url;
      writePlanFile(file);
      const mark = world.mark();
      const r = await world.keysync(["apply", "tokens.plan"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("cannot be applied; nothing was sent");
      expect(r.stderr).toContain(`target: the plan was made for ${other.url}`);
      expect(other.requests).toEqual([]);
      expect(world.server.requests.slice(mark)).toEqual([]);
      // Also when no other target is given at all: the spec's, the state's, never the file's.
      const noEnv = await world.keysync(["apply", "tokens.plan"], { env: { ORY_SDK_URL: "" } });
      expect(noEnv.code).toBe(1);
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("is only an approval: edited actions are never executed as written", async () => {
    // Sets keysync must never delete: Hydra's reserved set, and a live set it does not manage.
    await world.server.sign("hydra.openid.id-token");
    await world.server.putRaw("legacy", privateEcJwk("l"));
    await world.learnKeys("hydra.openid.id-token", "legacy");
    await savePlan();
    const original = readPlanFile();
    const facts = async (setId: string): Promise<unknown[]> =>
      (await world.server.keys(setId)).map((jwk) => ({
        ...describeKey(jwk, String(jwk.kid)),
      }));
    const edits: [string, (file: PlanFileJson) => Promise<void> | void][] = [
      [
        "a delete-set of the reserved set and of an unmanaged set, live facts copied in",
        async (file) => {
          for (const setId of ["hydra.openid.id-token", "legacy"]) {
            const before = await facts(setId);
            file.plan.sets.push({
              setId,
              declared: false,
              managed: true,
              live: before,
              entries: [{ kind: "delete-set", setId, before, reason: "set_not_declared" }],
              signer: { before: null, after: null },
            });
          }
        },
      ],
      [
        "a changed kid",
        (file) => {
          renameKid(file, "b", "b2");
        },
      ],
      [
        "a changed algorithm",
        (file) => {
          setField(file, "alg", "ES384");
        },
      ],
      [
        "a dropped action",
        (file) => {
          dropEntry(file, "delete-key");
        },
      ],
    ];
    for (const [label, edit] of edits) {
      const file = structuredClone(original);
      await edit(file);
      writePlanFile(file);
      const mark = world.mark();
      const r = await world.keysync(["apply", "tokens.plan"]);
      expect({
        label,
        code: r.code,
        refused: r.stderr.includes("cannot be applied; nothing was sent"),
      }).toEqual({
        label,
        code: 1,
        refused: true,
      });
      expect(world.writesSince(mark)).toEqual([]);
    }
    expect((await world.server.keys("legacy")).map((k) => k.kid)).toEqual(["l"]);
    expect(await world.liveKids("hydra.openid.id-token")).toHaveLength(1);
    expect(await world.liveKids("tokens")).toEqual(["a"]);
    // The file as written still applies.
    writePlanFile(original);
    expect((await world.keysync(["apply", "tokens.plan"])).code).toBe(0);
    expect(await world.liveKids("tokens")).toEqual(["b"]);
    await world.learnKeys("tokens");
  });

  it("is refused when the live keys it planned against changed", async () => {
    await savePlan();
    const intruder = privateEcJwk("intruder");
    world.canary.addJwk(intruder, "intruder");
    await world.server.putRaw("tokens", intruder);
    const mark = world.mark();
    const r = await world.keysync(["apply", "tokens.plan"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "live keys: set tokens changed on Ory since the plan was made (key intruder was added)",
    );
    expect(world.writesSince(mark)).toEqual([]);
  });

  it("is refused when a source now resolves to other key material", async () => {
    const first = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    world.write("partner.pem", first.export({ type: "spki", format: "pem" }) as string);
    world.write(
      "keysets.yaml",
      specYaml({ tokens: ["a:ES256", { kid: "partner", source: "file:partner.pem", alg: "ES256" }] }),
    );
    await savePlan();
    world.write(
      "partner.pem",
      generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
        type: "spki",
        format: "pem",
      }) as string,
    );
    await expectRefused("source");
  });

  it("made before any state existed is refused once a state file appeared", async () => {
    world.write("fresh.yaml", specYaml({ fresh: ["f:ES256"] }));
    const saved = await world.keysync([
      "plan",
      "-f",
      "fresh.yaml",
      "--state",
      "fresh.state.json",
      "--out",
      "fresh.plan",
    ]);
    expect(saved.code).toBe(0);
    expect(
      (await world.keysync(["apply", "-f", "fresh.yaml", "--state", "fresh.state.json", "--auto-approve"]))
        .code,
    ).toBe(0);
    await world.learnKeys("fresh");
    const mark = world.mark();
    const r = await world.keysync(["apply", "fresh.plan", "--state", "fresh.state.json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("state: the plan was made before fresh.state.json existed");
    expect(world.writesSince(mark)).toEqual([]);
  });

  it("lists every failed check at once", async () => {
    await savePlan();
    await world.server.putRaw("tokens", privateEcJwk("intruder"));
    await world.learnKeys("tokens");
    await world.server.putRaw("other", privateEcJwk("o"));
    await world.learnKeys("other");
    expect((await world.keysync(["import", "other"])).code).toBe(0);
    const r = await world.keysync(["apply", "tokens.plan"]);
    expect(r.stderr).toContain("state serial:");
    expect(r.stderr).toContain("live keys:");
  });

  it("that was damaged or edited is refused before anything is read", async () => {
    await savePlan();
    const text = readFileSync(world.path("tokens.plan"), "utf8");
    writeFileSync(
      world.path("tokens.plan"),
      text.replace('"kind": "delete-key"', '"kind": "delete-everything"'),
    );
    const mark = world.mark();
    const r = await world.keysync(["apply", "tokens.plan"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("tokens.plan is damaged or was edited");
    expect(world.server.requests.slice(mark)).toEqual([]);
    writeFileSync(world.path("tokens.plan"), text.slice(0, 100));
    expect((await world.keysync(["apply", "tokens.plan"])).stderr).toContain(
      "tokens.plan is not a keysync plan file (not JSON)",
    );
  });

  it("cannot be combined with -f", async () => {
    await savePlan();
    const r = await world.keysync(["apply", "tokens.plan", "-f", "keysets.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("either -f FILE or a PLANFILE");
  });

  it("is not written when the plan fails", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"], legacy: ["l:ES256"] }));
    await world.server.putRaw("legacy", privateEcJwk("l"));
    await world.learnKeys("legacy");
    const r = await world.keysync(["plan", "--out", "bad.plan"]);
    expect(r.code).toBe(1);
    expect(world.exists("bad.plan")).toBe(false);
  });
});
