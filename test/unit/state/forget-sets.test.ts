import { describe, expect, it } from "vitest";
import { newState } from "../../../src/state/codec.js";
import { forgetSets } from "../../../src/state/forget-sets.js";
import type { State } from "../../../src/state/types.js";

describe("forgetSets", () => {
  it("drops the sets and the intents that name them, and nothing else", () => {
    const state: State = {
      ...newState("L"),
      target: "http://x",
      sets: new Map(["a", "b", "c"].map((setId) => [setId, { setId, keys: [] }])),
      pending: [
        { op: "delete-set", setId: "a" },
        { op: "delete-key", setId: "b", kid: "k" },
        { op: "generate-key", setId: "c", kid: "k", alg: "ES256", use: "sig" },
      ],
    };
    const after = forgetSets(state, ["a", "c"]);
    expect([...after.sets.keys()]).toEqual(["b"]);
    expect(after.pending).toEqual([{ op: "delete-key", setId: "b", kid: "k" }]);
    expect({ ...after, sets: null, pending: null }).toEqual({ ...state, sets: null, pending: null });
    expect(state.sets.size).toBe(3); // the input is not modified
  });
});
