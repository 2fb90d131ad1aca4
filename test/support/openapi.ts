import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import type { ValidateFunction } from "ajv";

/**
 * Validation against Ory Hydra's OpenAPI document (fixtures/ory/hydra-api.json, a verbatim copy;
 * see fixtures/ory/README.md). Used by the contract suite on what it sends and receives, and
 * meant for any test that wants to check the requests keysync sends.
 *
 * OpenAPI 3.0 schemas are JSON Schema with extras: `nullable` (ajv supports it), `example` and
 * `x-*` (ignored with `strict: false`), and formats `int64`, `uuid4`, `date-time` (defined here).
 * Error messages name JSON pointers and rules, never values: bodies can hold private keys.
 */
const SPEC_PATH = new URL("../../fixtures/ory/hydra-api.json", import.meta.url);
const SPEC_ID = "hydra-api.json";

interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, unknown>> };
}

interface OpenApiOperation {
  readonly operationId?: string;
  readonly requestBody?: {
    readonly content?: Readonly<Record<string, { readonly schema?: { $ref?: string } }>>;
  };
  readonly responses?: Readonly<
    Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: { $ref?: string } }>> }>
  >;
}

export interface SchemaCheckOptions {
  /**
   * Also reject members the schema does not list (JSON Schema allows them by default). Use it on
   * what keysync sends: Hydra silently drops unknown JWK members (hydra-jwk-contract.md §5).
   */
  readonly noExtraMembers?: boolean;
}

let cached: { spec: OpenApiDocument; ajv: Ajv; validators: Map<string, ValidateFunction> } | undefined;

function load(): NonNullable<typeof cached> {
  if (cached !== undefined) return cached;
  const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("uuid4", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i);
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addSchema(spec, SPEC_ID);
  cached = { spec, ajv, validators: new Map() };
  return cached;
}

/** The names under `components.schemas`. */
export function schemaNames(): readonly string[] {
  return Object.keys(load().spec.components.schemas);
}

/** Problems found, one line each (`/keys/0: must have required property 'kid'`); [] when valid. */
export function schemaErrors(
  schemaName: string,
  value: unknown,
  options: SchemaCheckOptions = {},
): readonly string[] {
  const validate = validatorFor(schemaName, options.noExtraMembers ?? false);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath === "" ? "(root)" : e.instancePath}: ${e.message ?? e.keyword}`,
  );
}

/** Throws, naming the schema and every problem, when `value` does not match. */
export function assertMatchesSchema(
  schemaName: string,
  value: unknown,
  options: SchemaCheckOptions = {},
): void {
  const errors = schemaErrors(schemaName, value, options);
  if (errors.length > 0) {
    throw new Error(`does not match OpenAPI schema ${schemaName}:\n  ${errors.join("\n  ")}`);
  }
}

/** The schema of an operation's JSON request body (e.g. `setJsonWebKey` → `jsonWebKey`), or null. */
export function requestSchemaOf(operationId: string): string | null {
  const op = findOperation(operationId);
  return refName(op.requestBody?.content?.["application/json"]?.schema?.$ref);
}

/** The schema of an operation's JSON response for a status (falling back to `default`), or null. */
export function responseSchemaOf(operationId: string, status: number): string | null {
  const responses = findOperation(operationId).responses ?? {};
  const response = responses[String(status)] ?? responses["default"];
  return refName(response?.content?.["application/json"]?.schema?.$ref);
}

function findOperation(operationId: string): OpenApiOperation {
  for (const methods of Object.values(load().spec.paths)) {
    for (const op of Object.values(methods)) {
      if (op.operationId === operationId) return op;
    }
  }
  throw new Error(`no operation ${operationId} in ${SPEC_ID}`);
}

function refName(ref: string | undefined): string | null {
  return ref?.startsWith("#/components/schemas/") === true ? ref.slice("#/components/schemas/".length) : null;
}

function validatorFor(schemaName: string, noExtraMembers: boolean): ValidateFunction {
  const { spec, ajv, validators } = load();
  if (!(schemaName in spec.components.schemas)) throw new Error(`no schema ${schemaName} in ${SPEC_ID}`);
  const key = `${schemaName}|${String(noExtraMembers)}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    const ref = { $ref: `${SPEC_ID}#/components/schemas/${schemaName}` };
    validate = ajv.compile(noExtraMembers ? closeObjects(inline(ref, spec, 0)) : ref);
    validators.set(key, validate);
  }
  return validate;
}

/** Replaces local `$ref`s with copies of their targets (depth-limited), so objects can be closed. */
function inline(node: unknown, spec: OpenApiDocument, depth: number): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, spec, depth));
  if (typeof node !== "object" || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === "string") {
    const name = ref.replace(/^.*#\/components\/schemas\//, "");
    if (depth > 8) return {};
    return inline(spec.components.schemas[name], spec, depth + 1);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, spec, depth)]));
}

function closeObjects(node: unknown): object {
  if (Array.isArray(node)) return node.map((n) => closeObjects(n));
  if (typeof node !== "object" || node === null) return node as object;
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === "properties" ? mapValues(v) : closeObjects(v)]),
  );
  if ("properties" in out && !("additionalProperties" in out)) out["additionalProperties"] = false;
  return out;
}

function mapValues(properties: unknown): unknown {
  if (typeof properties !== "object" || properties === null) return properties;
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, closeObjects(v)]));
}
