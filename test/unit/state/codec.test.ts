import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { InternalError, StateError } from "../../../src/errors.js";
import { newState, parseState, serializeState } from "../../../src/state/codec.js";
import { compareIds, isSafeId } from "../../../src/jwk/key-id.js";
import type { Intent, ManagedKey, ManagedSet, State } from "../../../src/state/types.js";

const id = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,24}$/).filter(isSafeId),
  // Array-index-like IDs take the serialiser's other layout path.
  fc.nat({ max: 2 ** 32 }).map(String),
);
const token = fc.stringMatching(/^[\x21-\x7E]{1,16}$/);
const thumbprint = fc.stringMatching(/^[A-Za-z0-9_-]{1,43}$/);

const key: fc.Arbitrary<ManagedKey> = fc.record({
  kid: id,
  kty: token,
  alg: fc.option(token, { nil: null }),
  use: fc.option(token, { nil: null }),
  thumbprint,
  origin: fc.constantFrom("generated" as const, "source" as const, "imported" as const),
  hasPrivate: fc.boolean(),
});

const intent: fc.Arbitrary<Intent> = fc.oneof(
  fc.record({ op: fc.constant("generate-key" as const), setId: id, kid: id, alg: token, use: token }),
  fc.record({
    op: fc.constant("put-key" as const),
    setId: id,
    kid: id,
    kty: token,
    alg: token,
    use: token,
    thumbprint,
    hasPrivate: fc.boolean(),
  }),
  fc.record({ op: fc.constant("delete-key" as const), setId: id, kid: id }),
  fc.record({ op: fc.constant("delete-set" as const), setId: id }),
);

/** Valid states, with sets and keys in canonical (sorted) order, as parseState returns them. */
const state: fc.Arbitrary<State> = fc
  .record({
    lineage: fc.oneof(fc.uuid(), id),
    serial: fc.maxSafeNat(),
    keysyncVersion: token,
    target: fc.option(fc.webUrl(), { nil: null }),
    sets: fc.uniqueArray(fc.tuple(id, fc.uniqueArray(key, { selector: (k) => k.kid, maxLength: 4 })), {
      selector: ([setId]) => setId,
      maxLength: 6,
    }),
    pending: fc.array(intent, { maxLength: 5 }),
  })
  .map(({ sets, ...rest }) => ({
    ...rest,
    sets: new Map<string, ManagedSet>(
      sets
        .sort(([a], [b]) => compareIds(a, b))
        .map(([setId, keys]) => [setId, { setId, keys: keys.sort((a, b) => compareIds(a.kid, b.kid)) }]),
    ),
  }));

/** Parses `text`; anything thrown that is not a StateError fails the property. */
function parsesOrRefuses(text: string): void {
  try {
    parseState(text, "s.json");
  } catch (error: unknown) {
    if (!(error instanceof StateError)) throw error;
  }
}

describe("state codec properties", () => {
  test.prop([state], { numRuns: 300 })("parse(serialize(s)) equals s, in the same order", (s) => {
    const text = serializeState(s);
    const back = parseState(text, "s.json");
    expect(back).toEqual(s);
    expect([...back.sets.keys()]).toEqual([...s.sets.keys()]);
    expect(serializeState(back)).toBe(text);
  });

  test.prop([state])("serialising is independent of the in-memory order", (s) => {
    const shuffled: State = {
      ...s,
      sets: new Map([...s.sets].reverse().map(([k, v]) => [k, { ...v, keys: [...v.keys].reverse() }])),
    };
    expect(serializeState(shuffled)).toBe(serializeState(s));
  });

  test.prop([fc.string({ unit: "binary", maxLength: 300 })])(
    "parse refuses random text only with StateError",
    (t) => {
      parsesOrRefuses(t);
    },
  );

  test.prop([fc.jsonValue()])("parse refuses random JSON only with StateError", (v) => {
    parsesOrRefuses(JSON.stringify(v));
  });

  test.prop([state, fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 8 })], { numRuns: 300 })(
    "parse refuses mutated state text only with StateError",
    (s, at, cut, insert) => {
      const text = serializeState(s);
      const i = at % (text.length + 1);
      parsesOrRefuses(text.slice(0, i) + insert + text.slice(i + cut));
    },
  );

  test.prop([state, fc.nat(), fc.jsonValue()], { numRuns: 300 })(
    "parse refuses a state with any one field replaced only with StateError",
    (s, pick, value) => {
      const doc = JSON.parse(serializeState(s)) as Record<string, unknown>;
      const fields = Object.keys(doc);
      const field = fields[pick % fields.length] ?? "version";
      parsesOrRefuses(JSON.stringify({ ...doc, [field]: value }));
    },
  );
});

describe("state codec", () => {
  it("starts a new state at serial 0 with nothing managed", () => {
    const s = newState("0b9c8f1e-2f0a-4c55-9d3e-5a8f7c6b1a20");
    expect(s).toMatchObject({ serial: 0, target: null, pending: [] });
    expect(s.sets.size).toBe(0);
    expect(parseState(serializeState(s), "s.json")).toEqual(s);
  });

  it("writes exactly JSON.stringify's 2-space layout with a trailing newline", () => {
    const s: State = {
      ...newState("L"),
      sets: new Map([["a", { setId: "a", keys: [] }]]),
      pending: [{ op: "delete-set", setId: "a" }],
    };
    const text = serializeState(s);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });

  it("sorts integer-like set IDs as strings, which a plain object would not", () => {
    const sets = new Map(["9", "10", "b", "A"].map((setId) => [setId, { setId, keys: [] }]));
    const text = serializeState({ ...newState("L"), sets });
    expect([...text.matchAll(/^ {4}"([^"]+)": \{$/gm)].map((m) => m[1])).toEqual(["10", "9", "A", "b"]);
  });

  it.each<[string, (s: State) => State]>([
    [
      "an invalid set ID",
      (s: State): State => ({ ...s, sets: new Map([["a b", { setId: "a b", keys: [] }]]) }),
    ],
    [
      "__proto__ as set ID",
      (s: State) => ({ ...s, sets: new Map([["__proto__", { setId: "__proto__", keys: [] }]]) }),
    ],
    [
      "a set filed under another ID",
      (s: State) => ({ ...s, sets: new Map([["a", { setId: "b", keys: [] }]]) }),
    ],
    [
      "a duplicate kid",
      (s: State) => ({ ...s, sets: new Map([["a", { setId: "a", keys: [k("x"), k("x")] }]]) }),
    ],
    ["a negative serial", (s: State) => ({ ...s, serial: -1 })],
    [
      "an intent with an invalid kid",
      (s: State) => ({ ...s, pending: [{ op: "delete-key", setId: "a", kid: ".." }] }),
    ],
  ])("refuses to serialise %s (InternalError: it would be unreadable)", (_, edit) => {
    expect(() => serializeState(edit(newState("L")))).toThrow(InternalError);
  });

  it("keeps $-patterns in values literal when laying out integer-like set IDs (found by fast-check)", () => {
    const s: State = {
      ...newState("L"),
      sets: new Map([["8", { setId: "8", keys: [{ ...k("x"), kty: "a)+$'U", alg: "$&$`$$", use: "$1" }] }]]),
    };
    expect(parseState(serializeState(s), "s.json")).toEqual(s);
  });

  it("never lets a parsed set ID reach Object.prototype", () => {
    const text = serializeState(newState("L")).replace(
      '"sets": {}',
      '"sets": {"__proto__": {"polluted": true}}',
    );
    expect(() => parseState(text, "s.json")).toThrow(StateError);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("never quotes a refused value in its message", () => {
    const canary = "CANARY d=SGVsbG8gc2VjcmV0";
    const valid = serializeState({
      ...newState("L"),
      sets: new Map([["a", { setId: "a", keys: [k("x")] }]]),
    });
    for (const text of [
      valid.replace('"kid": "x"', `"kid": "${canary}"`),
      valid.replace('"thumbprint": "t"', `"thumbprint": "${canary}"`),
      valid.replace('"kty": "RSA"', `"kty": "${canary}"`),
      valid.replace('"sets": {', `"sets": {"${canary}": {"keys": []},`),
      valid.replace('"lineage": "L"', `"lineage": "${canary}"`),
      `{"version": 1, "lineage": ${canary}}`,
      canary,
    ]) {
      expect(() => parseState(text, "s.json")).toThrow(StateError);
      try {
        parseState(text, "s.json");
      } catch (error: unknown) {
        expect((error as Error).message).not.toContain("CANARY");
        expect((error as Error).message).not.toContain("SGVsbG8");
      }
    }
  });
});

function k(kid: string): ManagedKey {
  return {
    kid,
    kty: "RSA",
    alg: "RS256",
    use: "sig",
    thumbprint: "t",
    origin: "generated",
    hasPrivate: true,
  };
}
