import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { GENERATE_ALGS } from "../../../src/jwk/algorithms.js";
import type { LiveKey, LiveSet } from "../../../src/ory/key-store.js";
import { isAction } from "../../../src/plan/types.js";
import { signerOf } from "../../../src/plan/signer.js";
import type { DesiredKey, DesiredSet } from "../../../src/spec/types.js";
import type { ManagedSet, State } from "../../../src/state/types.js";
import { generated, liveKey, liveOf, managedOf, sourced, state, tp } from "../../support/builders.js";
import { applyToModel } from "../../support/ory-model.js";
import { planFor } from "../../support/plan-for.js";

const RUNS = Number(process.env["KEYSYNC_FUZZ_RUNS"] ?? 300);

/** A desired key from a small vocabulary, so live keys collide with declared kids often. */
const desiredKey = (kid: string): fc.Arbitrary<DesiredKey> =>
  fc.oneof(
    fc
      .record({
        alg: fc.constantFrom(...GENERATE_ALGS),
        use: fc.constantFrom("sig" as const, "enc" as const),
      })
      .map(({ alg, use }) => generated(kid, alg, use)),
    fc
      .record({
        m: fc.constantFrom("m1", "m2"),
        priv: fc.boolean(),
        use: fc.constantFrom("sig" as const, "enc" as const),
      })
      .map(({ m, priv, use }) => sourced(kid, `${kid}-${m}`, { hasPrivate: priv, use })),
  );

/** How one declared kid stands on Ory and in the state before the plan. */
type KeyWorld = "absent" | "match" | "tampered" | "foreign" | "stale-state";

interface World {
  desired: DesiredSet[];
  live: Map<string, LiveSet>;
  state: State;
}

const world: fc.Arbitrary<World> = fc
  .array(
    fc.record({
      id: fc.constantFrom("a", "b", "c", "hydra.openid.id-token"),
      kids: fc.uniqueArray(fc.constantFrom("k1", "k2", "k3", "k4"), { minLength: 1, maxLength: 4 }),
      declared: fc.boolean(),
      managed: fc.boolean(),
      extras: fc.uniqueArray(fc.constantFrom("x1", "x2"), { maxLength: 2 }),
      shuffle: fc.boolean(),
    }),
    { maxLength: 4 },
  )
  .chain((sets) => {
    const unique = sets.filter((s, i) => sets.findIndex((t) => t.id === s.id) === i);
    return fc.tuple(
      fc.constant(unique),
      fc.array(fc.array(desiredKey("_"), { minLength: 4, maxLength: 4 }), {
        minLength: unique.length,
        maxLength: unique.length,
      }),
      fc.array(
        fc.array(fc.constantFrom<KeyWorld>("absent", "match", "tampered", "foreign", "stale-state"), {
          minLength: 4,
          maxLength: 4,
        }),
        {
          minLength: unique.length,
          maxLength: unique.length,
        },
      ),
    );
  })
  .map(([sets, keyShapes, worlds]) => {
    const desired: DesiredSet[] = [];
    const live = new Map<string, LiveSet>();
    const managed: ManagedSet[] = [];
    sets.forEach((s, i) => {
      const keys = s.kids.map((kid, j) => rekid(keyShapes[i]?.[j] ?? generated(kid), kid));
      const liveKeys: LiveKey[] = [];
      const records = [];
      keys.forEach((key, j) => {
        const w = worlds[i]?.[j] ?? "absent";
        if (w === "absent") return;
        const base = liveOf(key, `${s.id}/${key.kid}`);
        const lk = w === "tampered" ? { ...base, thumbprint: tp(`tampered ${key.kid}`) } : base;
        liveKeys.push(lk);
        if (w !== "foreign")
          records.push(
            managedOf(w === "stale-state" ? { ...base, thumbprint: tp("stale") } : base, key.origin),
          );
      });
      for (const x of s.extras) {
        const lk = liveKey(x);
        liveKeys.push(lk);
        records.push(managedOf(lk));
      }
      if (s.shuffle) liveKeys.reverse();
      // Reserved sets always keep a private signing key in a valid spec (spec rules enforce it).
      if (
        s.declared &&
        (s.id !== "hydra.openid.id-token" ||
          keys.some((k) => k.use === "sig" && (k.origin === "generated" || k.facts.hasPrivate)))
      ) {
        desired.push({ setId: s.id, keys });
      }
      live.set(
        s.id,
        liveKeys.length > 0 ? { setId: s.id, exists: true, keys: liveKeys } : { setId: s.id, exists: false },
      );
      if (s.managed) managed.push({ setId: s.id, keys: records.sort((a, b) => (a.kid < b.kid ? -1 : 1)) });
    });
    return { desired, live, state: state(...managed) };
  });

function rekid(key: DesiredKey, kid: string): DesiredKey {
  return key.origin === "generated"
    ? { ...key, kid }
    : sourced(kid, `${kid}-${key.source}`, { hasPrivate: key.facts.hasPrivate, use: key.use });
}

function plan(desired: DesiredSet[], live: Map<string, LiveSet>, st: State) {
  return planFor(desired, live, st, new Date(0));
}

describe("the planner converges", () => {
  test.prop([world], { numRuns: RUNS })(
    "plan(spec, live after applying plan) has no actions, and the predicted signer signs",
    (w) => {
      const first = plan(w.desired, w.live, w.state);
      fc.pre(first.errors.length === 0);
      let n = 0;
      const after = applyToModel(first, w.live, w.state, () => `fresh-${n++}`);
      const second = plan(w.desired, after.live, after.state);

      expect(second.errors).toEqual([]);
      expect(second.forgotten).toEqual([]);
      expect(second.sets.flatMap((s) => s.entries.filter(isAction))).toEqual([]);
      for (const s of first.sets) {
        const liveAfter = after.live.get(s.setId);
        const keysAfter = liveAfter?.exists === true ? liveAfter.keys : [];
        expect(signerOf(keysAfter)).toBe(s.signer.after);
        // Independent of the planner: Ory now holds exactly the declared keys, with declared material.
        const declared = w.desired.find((d) => d.setId === s.setId);
        expect(keysAfter.map((k) => k.kid).sort()).toEqual((declared?.keys.map((k) => k.kid) ?? []).sort());
        for (const key of declared?.keys ?? []) {
          const live = keysAfter.find((k) => k.kid === key.kid);
          expect(live).toMatchObject({ alg: key.alg, use: key.use });
          if (key.origin === "source")
            expect(live).toMatchObject({
              thumbprint: key.facts.thumbprint,
              hasPrivate: key.facts.hasPrivate,
            });
        }
      }
    },
  );

  test.prop([world], { numRuns: RUNS })(
    "every action addresses a declared or live key, and deletes come after writes within a set",
    (w) => {
      const p = plan(w.desired, w.live, w.state);
      for (const s of p.sets) {
        const kinds = s.entries.filter(isAction).map((e) => e.kind);
        const firstDelete = kinds.indexOf("delete-key");
        if (firstDelete >= 0) expect(kinds.slice(firstDelete).every((k) => k === "delete-key")).toBe(true);
        const liveKids = new Set(s.live?.map((k) => k.kid) ?? []);
        const declaredKids = new Set(
          w.desired.find((d) => d.setId === s.setId)?.keys.map((k) => k.kid) ?? [],
        );
        for (const e of s.entries) {
          if (e.kind === "delete-set") continue;
          expect(declaredKids.has(e.kid) || liveKids.has(e.kid)).toBe(true);
          if (e.kind === "generate" || e.kind === "regenerate" || e.kind === "upload")
            expect(declaredKids.has(e.kid)).toBe(true);
        }
      }
    },
  );
});
