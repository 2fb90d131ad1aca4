import type { ErrorObject } from "ajv/dist/2020.js";
import { KEYSETS_SCHEMA, VALIDATOR_OPTIONS } from "./keysets-schema.js";
import type { PathProblem } from "./located.js";
import { describeSchemaError } from "./schema-messages.js";

/** An ajv validation function: true or false, and its errors on `errors` after a false. */
type Validate = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The schema as standalone code compiled at build time (scripts/build-validator.mjs writes
 * `keysets-validator.js` beside this module in dist/), so a run does not load ajv's compiler
 * nor compile the schema and ajv's meta-schema. Used only if it was built from this very
 * schema; otherwise (running from source, or a stale build) ajv compiles it on first use.
 */
const PRECOMPILED = "./keysets-validator.js";

let compiled: Promise<Validate> | undefined;

function validator(): Promise<Validate> {
  compiled ??= precompiled().then((validate) => validate ?? compileNow());
  return compiled;
}

async function precompiled(): Promise<Validate | null> {
  try {
    const mod = (await import(PRECOMPILED)) as { validate?: unknown; schemaJson?: unknown };
    if (typeof mod.validate !== "function" || mod.schemaJson !== JSON.stringify(KEYSETS_SCHEMA)) return null;
    return mod.validate as Validate;
  } catch {
    return null;
  }
}

async function compileNow(): Promise<Validate> {
  const { Ajv2020 } = await import("ajv/dist/2020.js");
  return new Ajv2020(VALIDATOR_OPTIONS).compile(KEYSETS_SCHEMA);
}

/**
 * Every way `value` breaks the schema, as sentences at paths. ajv runs without coercion,
 * defaults or `removeAdditional`, so it only reads `value` (a `kid: 0x1F` that YAML read as 31
 * is a type error, never a string "31"). Never throws: a failure inside ajv becomes one problem.
 */
export async function validateSchema(value: unknown): Promise<PathProblem[]> {
  try {
    const validate = await validator();
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
