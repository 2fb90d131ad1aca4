/**
 * JSON Schema (draft 2020-12) of a saved plan file, in the internal (camelCase) shape of `Plan`.
 * A plan file is executed as it stands, so it is validated in full before anything is done
 * with it: a hand-edited or truncated file is refused, never half-applied.
 */
const id = {
  type: "string",
  pattern: "^[A-Za-z0-9._:-]{1,255}$",
  not: { enum: [".", "..", "__proto__", "constructor", "prototype"] },
};
const nullableString = { type: ["string", "null"] };
const thumbprint = { type: "string", pattern: "^[A-Za-z0-9_-]{43}$" };

const keyFacts = {
  type: "object",
  required: ["kid", "kty", "alg", "use", "crv", "size", "thumbprint", "hasPrivate"],
  additionalProperties: false,
  properties: {
    kid: { type: "string", maxLength: 255 },
    kty: { type: "string", maxLength: 16 },
    alg: nullableString,
    use: nullableString,
    crv: nullableString,
    size: { type: ["integer", "null"], minimum: 0 },
    thumbprint: { oneOf: [thumbprint, { type: "null" }] },
    hasPrivate: { type: "boolean" },
  },
};
const liveKey = { ...keyFacts, properties: { ...keyFacts.properties, thumbprint } };
const sourcedFacts = { ...keyFacts, properties: { ...keyFacts.properties, kid: id, thumbprint } };
const plannedFacts = { ...keyFacts, properties: { ...keyFacts.properties, kid: id } };

const createReason = { enum: ["new", "deleted_outside"] };
const replaceReasons = {
  type: "array",
  minItems: 1,
  items: {
    enum: [
      "kty_changed",
      "alg_changed",
      "use_changed",
      "material_changed",
      "private_part_changed",
      "replaced_outside",
      "foreign",
    ],
  },
};
const sourceRef = { type: "string", pattern: "^(file:.+|env:KEYSYNC_[A-Z0-9_]+)$", maxLength: 4096 };

const entry = {
  type: "object",
  required: ["kind"],
  properties: { kind: { enum: ["no-op", "generate", "regenerate", "upload", "delete-key", "delete-set"] } },
  oneOf: [
    {
      properties: { kind: { const: "no-op" }, setId: id, kid: id, facts: liveKey },
      required: ["kind", "setId", "kid", "facts"],
      additionalProperties: false,
    },
    {
      properties: {
        kind: { const: "generate" },
        setId: id,
        kid: id,
        alg: { type: "string" },
        use: { enum: ["sig", "enc"] },
        after: plannedFacts,
        reason: createReason,
      },
      required: ["kind", "setId", "kid", "alg", "use", "after", "reason"],
      additionalProperties: false,
    },
    {
      properties: {
        kind: { const: "regenerate" },
        setId: id,
        kid: id,
        alg: { type: "string" },
        use: { enum: ["sig", "enc"] },
        before: liveKey,
        after: plannedFacts,
        reasons: replaceReasons,
      },
      required: ["kind", "setId", "kid", "alg", "use", "before", "after", "reasons"],
      additionalProperties: false,
    },
    {
      properties: {
        kind: { const: "upload" },
        setId: id,
        kid: id,
        source: sourceRef,
        after: sourcedFacts,
        before: { oneOf: [liveKey, { type: "null" }] },
        reasons: { type: "array", items: replaceReasons.items },
        reason: { oneOf: [createReason, { type: "null" }] },
      },
      required: ["kind", "setId", "kid", "source", "after", "before", "reasons", "reason"],
      additionalProperties: false,
    },
    {
      properties: {
        kind: { const: "delete-key" },
        setId: id,
        kid: id,
        before: liveKey,
        reason: { const: "not_declared" },
      },
      required: ["kind", "setId", "kid", "before", "reason"],
      additionalProperties: false,
    },
    {
      properties: {
        kind: { const: "delete-set" },
        setId: id,
        before: { type: "array", items: liveKey },
        reason: { const: "set_not_declared" },
      },
      required: ["kind", "setId", "before", "reason"],
      additionalProperties: false,
    },
  ],
};

const problem = {
  type: "object",
  required: ["code", "setId", "kid", "message"],
  additionalProperties: false,
  properties: {
    code: { type: "string" },
    setId: { type: "string" },
    kid: nullableString,
    message: { type: "string" },
  },
};

export const PLAN_FILE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  required: ["format", "version", "specFile", "plan"],
  additionalProperties: false,
  properties: {
    format: { const: "keysync-plan" },
    version: { type: "integer", minimum: 1 },
    specFile: { type: "string", minLength: 1, maxLength: 4096 },
    plan: {
      type: "object",
      required: ["keysyncVersion", "target", "createdAt", "state", "sets", "forgotten", "errors", "warnings"],
      additionalProperties: false,
      properties: {
        keysyncVersion: { type: "string" },
        target: { type: "string", pattern: "^https?://" },
        createdAt: { type: "string" },
        state: {
          type: "object",
          required: ["lineage", "serial"],
          additionalProperties: false,
          properties: { lineage: { oneOf: [id, { type: "null" }] }, serial: { type: "integer", minimum: 0 } },
        },
        sets: {
          type: "array",
          items: {
            type: "object",
            required: ["setId", "declared", "managed", "live", "entries", "signer"],
            additionalProperties: false,
            properties: {
              setId: id,
              declared: { type: "boolean" },
              managed: { type: "boolean" },
              live: { oneOf: [{ type: "array", items: liveKey }, { type: "null" }] },
              entries: { type: "array", items: entry },
              signer: {
                type: "object",
                required: ["before", "after"],
                additionalProperties: false,
                properties: { before: nullableString, after: nullableString },
              },
            },
          },
        },
        forgotten: { type: "array", items: id },
        errors: { type: "array", items: problem },
        warnings: { type: "array", items: problem },
      },
    },
  },
} as const;
