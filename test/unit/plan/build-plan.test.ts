import { describe, expect, it } from "vitest";
import type { Plan, PlanEntry, SetPlan } from "../../../src/plan/types.js";
import type { DesiredSpec } from "../../../src/spec/types.js";
import type { LiveSet } from "../../../src/ory/key-store.js";
import type { State } from "../../../src/state/types.js";
import {
  absent,
  desiredSet,
  generated,
  liveKey,
  liveMap,
  liveOf,
  managedOf,
  managedSet,
  present,
  sourced,
  spec,
  state,
  tp,
} from "../../support/builders.js";
import { planFor } from "../../support/plan-for.js";

function plan(desired: DesiredSpec, live: Map<string, LiveSet>, st: State = state()): Plan {
  return planFor(desired.sets, live, st);
}

function setOf(p: Plan, id: string): SetPlan {
  const s = p.sets.find((x) => x.setId === id);
  if (s === undefined) throw new Error(`no set ${id} in plan`);
  return s;
}

const kinds = (entries: readonly PlanEntry[]): string[] =>
  entries.map((e) => `${e.kind}:${"kid" in e ? e.kid : e.setId}`);

describe("buildPlan: new sets", () => {
  it("creates every key of a declared set that is neither managed nor live, in spec order", () => {
    const p = plan(
      spec(desiredSet("tokens", [generated("a", "RS256"), sourced("b", "mat-b"), generated("c", "EdDSA")])),
      liveMap(absent("tokens")),
    );
    const s = setOf(p, "tokens");
    expect(kinds(s.entries)).toEqual(["generate:a", "upload:b", "generate:c"]);
    expect(s.signer).toEqual({ before: null, after: "c" });
    expect(p.errors).toEqual([]);
    expect(p.warnings).toEqual([]);
    const first = s.entries[0];
    expect(first?.kind === "generate" ? first.after : null).toMatchObject({
      kty: "RSA",
      alg: "RS256",
      thumbprint: null,
      hasPrivate: true,
    });
  });

  it("names the last private key written in spec order as the signer, skipping public-only uploads", () => {
    const p = plan(
      spec(desiredSet("s", [generated("a"), sourced("pub", "m", { hasPrivate: false })])),
      liveMap(absent("s")),
    );
    expect(setOf(p, "s").signer.after).toBe("a");
  });

  it("refuses to take over a live set keysync does not manage and says to import it", () => {
    const p = plan(spec(desiredSet("s", [generated("a")])), liveMap(present("s", [liveKey("x")])));
    expect(p.errors).toEqual([expect.objectContaining({ code: "unmanaged_set_exists", setId: "s" })]);
    expect(p.errors[0]?.message).toContain("keysync import s");
    expect(setOf(p, "s").entries).toEqual([]);
  });
});

describe("buildPlan: managed sets", () => {
  const a = generated("a");
  const liveA = liveOf(a);

  it("is all no-ops when live matches the spec and the state", () => {
    const p = plan(
      spec(desiredSet("s", [a])),
      liveMap(present("s", [liveA])),
      state(managedSet("s", [managedOf(liveA)])),
    );
    expect(kinds(setOf(p, "s").entries)).toEqual(["no-op:a"]);
    expect(p.warnings).toEqual([]);
  });

  it("re-creates a managed key deleted outside keysync", () => {
    const p = plan(
      spec(desiredSet("s", [a])),
      liveMap(absent("s")),
      state(managedSet("s", [managedOf(liveA)])),
    );
    expect(setOf(p, "s").entries).toEqual([
      expect.objectContaining({ kind: "generate", kid: "a", reason: "deleted_outside" }),
    ]);
  });

  it("regenerates a generated key whose live material no longer matches the state (tamper evidence)", () => {
    const swapped = { ...liveA, thumbprint: tp("someone else") };
    const p = plan(
      spec(desiredSet("s", [a])),
      liveMap(present("s", [swapped])),
      state(managedSet("s", [managedOf(liveA)])),
    );
    expect(setOf(p, "s").entries).toEqual([
      expect.objectContaining({ kind: "regenerate", kid: "a", reasons: ["replaced_outside"] }),
    ]);
  });

  it("replaces a live key under a declared kid that keysync never recorded (foreign)", () => {
    const p = plan(
      spec(desiredSet("s", [a, generated("b")])),
      liveMap(present("s", [liveA, liveKey("b")])),
      state(managedSet("s", [managedOf(liveA)])),
    );
    expect(setOf(p, "s").entries[1]).toMatchObject({ kind: "regenerate", kid: "b", reasons: ["foreign"] });
  });

  it("regenerates when alg or use change, listing every reason", () => {
    const changed = generated("a", "ES384", "enc");
    const p = plan(
      spec(desiredSet("s", [changed])),
      liveMap(present("s", [liveA])),
      state(managedSet("s", [managedOf(liveA)])),
    );
    expect(setOf(p, "s").entries[0]).toMatchObject({
      kind: "regenerate",
      reasons: ["kty_changed", "alg_changed", "use_changed"],
    });
  });

  it("uploads a source key again when its material or its private part changed", () => {
    const k = sourced("p", "new-material");
    const old = { ...liveOf(k), thumbprint: tp("old-material") };
    const st = state(managedSet("s", [managedOf(old, "source")]));
    const p1 = plan(spec(desiredSet("s", [k])), liveMap(present("s", [old])), st);
    expect(setOf(p1, "s").entries[0]).toMatchObject({
      kind: "upload",
      before: old,
      reasons: ["material_changed"],
    });

    const publicOnly = { ...liveOf(k), hasPrivate: false };
    const p2 = plan(
      spec(desiredSet("s", [k])),
      liveMap(present("s", [publicOnly])),
      state(managedSet("s", [managedOf(publicOnly, "source")])),
    );
    expect(setOf(p2, "s").entries[0]).toMatchObject({ kind: "upload", reasons: ["private_part_changed"] });
  });

  it("treats a source key as unchanged when the live thumbprint matches, whatever the state recorded", () => {
    const k = sourced("p", "m");
    const p = plan(
      spec(desiredSet("s", [k])),
      liveMap(present("s", [liveOf(k)])),
      state(managedSet("s", [{ ...managedOf(liveOf(k), "imported"), thumbprint: tp("stale") }])),
    );
    expect(kinds(setOf(p, "s").entries)).toEqual(["no-op:p"]);
  });

  it("deletes undeclared live keys last, after the creates, and warns that they stop verifying", () => {
    const old = liveKey("old");
    const p = plan(
      spec(desiredSet("s", [a])),
      liveMap(present("s", [old])),
      state(managedSet("s", [managedOf(old)])),
    );
    const s = setOf(p, "s");
    expect(kinds(s.entries)).toEqual(["generate:a", "delete-key:old"]);
    expect(s.signer).toEqual({ before: "old", after: "a" });
    expect(p.warnings.map((w) => w.code).sort()).toEqual(["delete_verifying_key", "signer_change"]);
  });

  it("refuses to delete a live key whose kid cannot be addressed on its own", () => {
    const p = plan(
      spec(desiredSet("s", [a])),
      liveMap(present("s", [liveA, liveKey("")])),
      state(managedSet("s", [managedOf(liveA)])),
    );
    expect(p.errors).toEqual([expect.objectContaining({ code: "unaddressable_kid", kid: "" })]);
    expect(kinds(setOf(p, "s").entries)).toEqual(["no-op:a"]);
  });
});

describe("buildPlan: sets no longer declared", () => {
  it("deletes a managed, undeclared, live set as one entry listing its keys", () => {
    const keys = [liveKey("x"), liveKey("y")];
    const p = plan(
      spec(),
      liveMap(present("old", keys)),
      state(
        managedSet(
          "old",
          keys.map((k) => managedOf(k)),
        ),
      ),
    );
    expect(setOf(p, "old").entries).toEqual([
      { kind: "delete-set", setId: "old", before: keys, reason: "set_not_declared" },
    ]);
    expect(setOf(p, "old").signer).toEqual({ before: "x", after: null });
  });

  it("never deletes a Hydra reserved set: the plan fails and names both ways out", () => {
    const p = plan(
      spec(),
      liveMap(present("hydra.openid.id-token", [liveKey("r")])),
      state(managedSet("hydra.openid.id-token", [managedOf(liveKey("r"))])),
    );
    expect(p.errors).toEqual([
      expect.objectContaining({ code: "reserved_set_delete", setId: "hydra.openid.id-token" }),
    ]);
    expect(p.errors[0]?.message).toMatch(/keep declaring it.*keysync state rm hydra\.openid\.id-token/);
    expect(setOf(p, "hydra.openid.id-token").entries).toEqual([]);
  });

  it("forgets a managed set that is neither declared nor live, without an action", () => {
    const p = plan(spec(), liveMap(absent("gone")), state(managedSet("gone", [])));
    expect(p.forgotten).toEqual(["gone"]);
    expect(p.sets).toEqual([]);
  });
});

describe("buildPlan: signer and warnings", () => {
  it("after importing a reserved set, creates the declared keys first and deletes the random key last", () => {
    const random = liveKey("6f1c3a52-8d7e-4c1b-9e0f-1a2b3c4d5e6f", {
      kty: "RSA",
      alg: "RS256",
      crv: null,
      size: 4096,
    });
    const id = "hydra.openid.id-token";
    const p = plan(
      spec(desiredSet(id, [generated("id-1", "RS256")])),
      liveMap(present(id, [random])),
      state(managedSet(id, [managedOf(random, "imported")])),
    );
    expect(kinds(setOf(p, id).entries)).toEqual(["generate:id-1", `delete-key:${random.kid}`]);
    expect(setOf(p, id).signer).toEqual({ before: random.kid, after: "id-1" });
  });

  it("predicts that the newest written private key signs even when an older key is listed later", () => {
    const b = generated("b");
    const p = plan(
      spec(desiredSet("s", [generated("a"), b])),
      liveMap(present("s", [liveOf(b)])),
      state(managedSet("s", [managedOf(liveOf(b))])),
    );
    expect(setOf(p, "s").signer).toEqual({ before: "b", after: "a" });
    expect(p.warnings).toEqual([expect.objectContaining({ code: "signer_change", kid: "a" })]);
  });

  it("warns when the signer keeps its kid but gets new material", () => {
    const a = generated("a");
    const swapped = { ...liveOf(a), thumbprint: tp("other") };
    const p = plan(
      spec(desiredSet("s", [a])),
      liveMap(present("s", [swapped])),
      state(managedSet("s", [managedOf(liveOf(a))])),
    );
    expect(p.warnings.map((w) => w.code)).toEqual([
      "signer_change",
      "delete_verifying_key",
      "no_private_key_between_steps",
    ]);
  });

  it("warns about a private enc key or an oct key written into a set that signs", () => {
    const p = plan(
      spec(
        desiredSet("s", [
          generated("sig"),
          sourced("enc", "e", { use: "enc" }),
          sourced("hmac", "h", { kty: "oct", alg: "HS256" }),
        ]),
      ),
      liveMap(absent("s")),
    );
    expect(p.warnings.map((w) => `${w.code}:${w.kid ?? ""}`).sort()).toEqual([
      "enc_private_key_in_signing_set:enc",
      "oct_key_in_signing_set:hmac",
    ]);
  });

  it("does not warn about a private enc key in a set that only encrypts", () => {
    const p = plan(spec(desiredSet("s", [sourced("enc", "e", { use: "enc" })])), liveMap(absent("s")));
    expect(p.warnings).toEqual([]);
  });
});
