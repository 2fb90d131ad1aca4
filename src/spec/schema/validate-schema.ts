import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { KEYSETS_SCHEMA } from "./keysets-schema.js";
import type { PathProblem } from "./located.js";
import { describeSchemaError } from "./schema-messages.js";

let compiled: ValidateFunction | undefined;

/** Compiled once per process, on first use: `keysync --version` never pays for it. */
function validator(): ValidateFunction {
  compiled ??= new Ajv2020({ strict: true, allErrors: true }).compile(KEYSETS_SCHEMA);
  return compiled;
}

/**
 * Every way `value` breaks the schema, as sentences at paths. ajv runs without coercion,
 * defaults or `removeAdditional`, so it only reads `value` (a `kid: 0x1F` that YAML read as 31
 * is a type error, never a string "31"). Never throws: a failure inside ajv becomes one problem.
 */
export function validateSchema(value: unknown): PathProblem[] {
  try {
    const validate = validator();
    if (validate(value)) return [];
    const problems: PathProblem[] = [];
    for (const error of validate.errors ?? []) {
      const problem = describeSchemaError(error, value);
      if (problem !== null) problems.push(problem);
    }
    return problems;
  } catch {
    return [{ path: [], at: "value", message: "the spec could not be checked against the schema" }];
  }
}
