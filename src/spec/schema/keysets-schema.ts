import { ENC_ALGS, GENERATE_ALGS, HMAC_ALGS, SOURCE_ALGS } from "../../jwk/algorithms.js";

/**
 * The JSON Schema of `keysets.yaml` (contract §4), draft 2020-12. This object is the source of
 * truth: `schemas/keysets.schema.json` (published for editors through the
 * `# yaml-language-server: $schema=…` modeline and the package's `./schema.json` export) is
 * this value as 2-space JSON, and a test keeps the two byte-for-byte equal.
 *
 * The schema says what an editor can check as you type. What it cannot say (duplicate kids,
 * reserved sets, key material) lives in `spec/rules/`. Its error messages are never shown
 * as ajv writes them: `schema-messages.ts` turns them into sentences.
 */
export const SCHEMA_ID = "https://raw.githubusercontent.com/keysync/keysync/main/schemas/keysets.schema.json";

/** The only spec format version this keysync reads. */
export const SPEC_VERSION = 1;

/** `file:` or `env:` references; env names are allow-listed to `KEYSYNC_*` (decK#286). */
export const SOURCE_PATTERN = "^(file:.+|env:KEYSYNC_[A-Z0-9_]+)$";

/** http(s), a host, an optional path; no credentials, query or fragment (tokens never live in the spec). */
export const TARGET_URL_PATTERN = "^https?://[^\\s/?#@]+(/[^\\s?#]*)?$";

/**
 * How ajv compiles `KEYSETS_SCHEMA`, at build time (scripts/build-validator.mjs) and, when that
 * output is missing, at run time (validate-schema.ts): the same options, so the same errors.
 */
export const VALIDATOR_OPTIONS = { strict: true, allErrors: true } as const;

const ID_PATTERN = "^[A-Za-z0-9._:-]{1,255}$";
const FORBIDDEN_IDS = [".", "..", "__proto__", "constructor", "prototype"];

const list = (values: readonly string[]): string => values.join(" ");

export const KEYSETS_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: SCHEMA_ID,
  title: "keysync keysets spec",
  description:
    "The JSON Web Key Sets keysync keeps on Ory (Hydra or Ory Network). Each set lists its keys in write order: among private keys, the last one in the list becomes Ory's signer.",
  type: "object",
  additionalProperties: false,
  required: ["version", "sets"],
  properties: {
    version: {
      description: "Spec format version. Always 1.",
      const: SPEC_VERSION,
    },
    target: {
      description:
        "Where the sets live. Optional; --target and ORY_SDK_URL take precedence. Credentials never go here: set ORY_PROJECT_API_KEY or ORY_API_KEY.",
      type: "object",
      additionalProperties: false,
      properties: {
        url: {
          description:
            "Ory admin base URL: a self-hosted Hydra admin URL (e.g. http://127.0.0.1:4445) or https://<slug>.projects.oryapis.com. A trailing / is ignored.",
          type: "string",
          pattern: TARGET_URL_PATTERN,
          examples: ["http://127.0.0.1:4445", "https://my-project.projects.oryapis.com"],
        },
      },
    },
    sets: {
      description:
        "The key sets keysync manages, by set ID (1-255 characters of A-Z a-z 0-9 . _ : -). Sets not listed here are left alone unless keysync manages them already.",
      type: "object",
      propertyNames: { $ref: "#/$defs/identifier" },
      additionalProperties: { $ref: "#/$defs/keySet" },
    },
  },
  $defs: {
    identifier: {
      description:
        "A set ID or kid: 1-255 characters of A-Z a-z 0-9 . _ : -, not . or .., __proto__, constructor or prototype (it becomes a URL path segment).",
      type: "string",
      pattern: ID_PATTERN,
      not: { enum: FORBIDDEN_IDS },
    },
    keySet: {
      description: "One JSON Web Key Set.",
      type: "object",
      additionalProperties: false,
      required: ["keys"],
      properties: {
        keys: {
          description:
            "The keys of the set, in write order: creates and replaces run in this order, so among private keys the last one listed signs.",
          type: "array",
          minItems: 1,
          items: { $ref: "#/$defs/key" },
        },
      },
    },
    key: {
      description:
        "A key. Without a source, Ory generates it (kid and alg required). With a source, keysync uploads the key from a file or an environment variable.",
      type: "object",
      additionalProperties: false,
      properties: {
        kid: {
          $ref: "#/$defs/identifier",
          description:
            "Key ID. Required for generated keys. For a source key it defaults to the key's own kid, else its RFC 7638 thumbprint.",
        },
        alg: {
          description: `JWS/JWE algorithm. Ory generates ${list(GENERATE_ALGS)}. Keys from a source may also use ${list(HMAC_ALGS)} or ${list(ENC_ALGS)}.`,
          type: "string",
          enum: SOURCE_ALGS,
        },
        use: {
          description: "sig (signing, the default) or enc (encryption).",
          type: "string",
          enum: ["sig", "enc"],
          default: "sig",
        },
        source: {
          description:
            "Bring your own key: file:PATH (relative to this spec file; PEM PKCS#8, PKCS#1, SEC1, SPKI or X.509, or one JWK as JSON) or env:KEYSYNC_NAME (the same formats in an environment variable).",
          type: "string",
          pattern: SOURCE_PATTERN,
          examples: ["file:keys/partner.pem", "env:KEYSYNC_PARTNER_JWK"],
        },
      },
      // "No source" is said as `source: false`: `required` inside `not` trips ajv's strictRequired.
      if: { type: "object", properties: { source: false } },
      then: {
        type: "object",
        required: ["kid", "alg"],
        properties: {
          kid: true,
          alg: {
            description: `Ory generates ${list(GENERATE_ALGS)}; HMAC keys (HS*) come from a source.`,
            enum: GENERATE_ALGS,
          },
        },
      },
    },
  },
} as const;
