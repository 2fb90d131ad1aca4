import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { isSafeId } from "../../../src/jwk/key-id.js";
import { identifierProblem } from "../../../src/spec/rules/identifier.js";

// One rule, two forms: the spec's messages and the check every other module uses must agree.
const ids = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.stringMatching(/^[A-Za-z0-9._:-]{0,260}$/),
  fc.constantFrom(
    "",
    ".",
    "..",
    "__proto__",
    "constructor",
    "prototype",
    "a/b",
    "a".repeat(255),
    "a".repeat(256),
  ),
);

describe("the ID rule", () => {
  test.prop([ids], { numRuns: 2000 })("identifierProblem is null exactly when isSafeId holds", (id) => {
    expect(identifierProblem("kid", id) === null).toBe(isSafeId(id));
  });
});
