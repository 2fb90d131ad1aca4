import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";

const schema: unknown = JSON.parse(
  readFileSync(new URL("../../schemas/plan.schema.json", import.meta.url), "utf8"),
);
// "format" is informational here (ajv-formats is not a dependency).
const validate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(
  schema as object,
);

/** Asserts that a document printed by `plan --json` / `apply --json` matches schemas/plan.schema.json. */
export function expectValidPlanJson(doc: unknown): void {
  const ok = validate(doc);
  expect(ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`)).toEqual([]);
}
