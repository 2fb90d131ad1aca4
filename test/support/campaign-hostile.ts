import { generateKeyPairSync, randomBytes } from "node:crypto";
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import type { BodySpec, Delivery, ReplySpec } from "./campaign-hostile-server.js";

/**
 * fast-check generators of hostile Ory answers: truncated JSON, wrong types, missing `keys`,
 * HTML, empty and huge bodies, deep nesting, kids with path or control characters or 10 kB long,
 * valid-looking JWKs with bad members, odd statuses and bad rate-limit headers. Real keys with
 * private members (made at run time) go into many answers, so a secret canary can prove none of
 * their material ever reaches an output.
 */

/** Private keys the answers carry, and secret-looking strings Ory might echo in an error. */
export interface SecretPool {
  readonly jwks: readonly Readonly<Record<string, unknown>>[];
  readonly strings: readonly string[];
}

export function makeSecretPool(): SecretPool {
  const jwk = (key: ReturnType<typeof generateKeyPairSync>["privateKey"], kid: string, alg: string) => ({
    ...(key.export({ format: "jwk" }) as Record<string, unknown>),
    kid,
    alg,
    use: "sig",
  });
  return {
    jwks: [
      jwk(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey, "ka", "ES256"),
      jwk(generateKeyPairSync("ed25519").privateKey, "kb", "EdDSA"),
      jwk(generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey, "kc", "ES384"),
      jwk(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey, "old", "RS256"),
      { kty: "oct", k: randomBytes(32).toString("base64url"), kid: "hmac", alg: "HS256", use: "sig" },
    ],
    strings: Array.from({ length: 3 }, () => randomBytes(36).toString("base64url")),
  };
}

const ODD_STATUSES = [
  200, 201, 202, 203, 204, 206, 299, 300, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406, 409,
  410, 413, 415, 418, 422, 429, 431, 451, 499, 500, 501, 502, 503, 504, 507, 599,
] as const;

const CONTENT_TYPES = [
  "application/json; charset=utf-8",
  "application/json",
  "text/html; charset=utf-8",
  "text/plain",
  "application/octet-stream",
  "application/problem+json",
  "application/json; charset=latin1",
  "image/png",
  "",
] as const;

const RESET_VALUES = [
  "-1",
  "0",
  "1",
  "NaN",
  "abc",
  "1e309",
  "99999999999",
  "0.5",
  "-0",
  " 2 ",
  "1,2",
] as const;
const RETRY_AFTER = [
  "NaN",
  "-5",
  "0",
  "1",
  "3600",
  "0.001",
  "Wed, 21 Oct 2015 07:28:00 GMT",
  "soon",
  "",
] as const;
const LIMITS = ["5, 5;w=1", "10, 10;w=1, 300;w=60", "0", "-1", "x;w=y", "5;w=0", "1e9, 1e9;w=1e9"] as const;

/** Headers, some of them lying or nonsensical. */
const headersArb: Arbitrary<Record<string, string>> = fc
  .record(
    {
      "content-type": fc.constantFrom(...CONTENT_TYPES),
      "x-ratelimit-reset": fc.constantFrom(...RESET_VALUES),
      "x-ratelimit-remaining": fc.constantFrom(...RESET_VALUES),
      "x-ratelimit-limit": fc.constantFrom(...LIMITS),
      "retry-after": fc.constantFrom(...RETRY_AFTER),
      location: fc.constantFrom("/login", "http://example.invalid/", "//evil", ""),
      "content-encoding": fc.constantFrom("gzip", "br", "deflate", "identity"),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== "")));

/** Kids no Ory should send: path characters, dot segments, control characters, huge, not strings. */
const hostileKidArb: Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "a/b",
    "../../etc/passwd",
    "..",
    ".",
    "",
    "%2e%2e",
    "k\u0000id",
    "\u001b[31mred\u001b[0m",
    "line\nbreak",
    "tab\tkid",
    "\u202eevil",
    "__proto__",
    "constructor",
    "x".repeat(10_240),
    "ka",
    "kb",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
);

const memberValueArb: Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", "P-999", "RSA", "EC", "OKP", "oct", "AAAA", "!!!", "Ed448", "X25519"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

const MEMBERS = [
  "kty",
  "crv",
  "x",
  "y",
  "n",
  "e",
  "d",
  "k",
  "alg",
  "use",
  "x5c",
  "x5t",
  "key_ops",
  "p",
  "oth",
];

/** A pool key, maybe with one or two members replaced or removed, maybe with a hostile kid. */
function keyArb(pool: SecretPool): Arbitrary<unknown> {
  return fc
    .record({
      base: fc.constantFrom(...pool.jwks),
      edits: fc.array(fc.tuple(fc.constantFrom(...MEMBERS), fc.option(memberValueArb, { nil: undefined })), {
        maxLength: 2,
      }),
      kid: fc.option(hostileKidArb, { nil: undefined, freq: 3 }),
    })
    .map(({ base, edits, kid }) => {
      const out: Record<string, unknown> = { ...base };
      for (const [member, value] of edits) {
        if (value === undefined) Reflect.deleteProperty(out, member);
        else out[member] = value;
      }
      if (kid !== undefined) out["kid"] = kid;
      return out;
    });
}

/** JSON bodies: sets of (mostly broken) keys, wrong shapes, Hydra errors that echo secrets. */
function jsonBodyArb(pool: SecretPool): Arbitrary<string> {
  const set = fc.array(keyArb(pool), { maxLength: 4 }).map((keys) => JSON.stringify({ keys }));
  const cleanSet = fc.subarray([...pool.jwks], { minLength: 1 }).map((keys) => JSON.stringify({ keys }));
  return fc.oneof(
    { arbitrary: set, weight: 4 },
    { arbitrary: cleanSet, weight: 2 },
    // Truncated at any point.
    {
      arbitrary: fc
        .tuple(cleanSet, fc.nat())
        .map(([text, at]) => text.slice(0, at % Math.max(1, text.length))),
      weight: 2,
    },
    // `keys` of the wrong type, or missing.
    {
      arbitrary: fc
        .oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined))
        .map((keys) => JSON.stringify(keys === undefined ? { key: [] } : { keys })),
      weight: 2,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
    // Hydra's error shape, with secrets, control characters or nested objects in it.
    {
      arbitrary: fc
        .record({
          error: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...pool.strings), fc.constant(null)),
          error_description: fc.oneof(
            fc.constantFrom(...pool.strings),
            fc.constantFrom(...pool.jwks.map((j) => String(j["d"] ?? j["k"]))),
            fc.string({ maxLength: 50 }),
            fc.constant("\u001b[2J\u001b[31mgotcha\r\n"),
            fc.constant("x".repeat(5000)),
          ),
        })
        .map((e) => JSON.stringify(e)),
      weight: 2,
    },
    { arbitrary: fc.constant(JSON.stringify({ error: { code: 404, message: "Not Found" } })), weight: 1 },
  );
}

/** Bodies of every kind, including huge and deeply nested ones. */
function bodyArb(pool: SecretPool): Arbitrary<BodySpec> {
  const text = (arb: Arbitrary<string>): Arbitrary<BodySpec> => arb.map((t) => ({ kind: "text", text: t }));
  return fc.oneof(
    { arbitrary: text(jsonBodyArb(pool)), weight: 14 },
    {
      arbitrary: text(
        fc.constantFrom(
          "<!DOCTYPE html><html><body>Sign in</body></html>",
          "<html><head><title>502 Bad Gateway</title></head></html>",
          "404 page not found\n",
          "   \n",
          "",
          "\u0000\u0001\u0002",
          "\uFEFF{}",
          '{"keys": [',
        ),
      ),
      weight: 3,
    },
    { arbitrary: text(fc.string({ unit: "binary", maxLength: 200 })), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant("huge" as const),
        opener: fc.constantFrom('{"keys":[', '"', "<html>", '{"keys":"'),
        bytes: fc.constant(8 * 1024 * 1024 + 1),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant("deep" as const),
        shape: fc.constantFrom("array" as const, "object" as const, "keys" as const),
        depth: fc.constantFrom(1_000, 10_000, 100_000),
      }),
      weight: 1,
    },
  );
}

const deliveryArb: Arbitrary<Delivery> = fc.oneof(
  { arbitrary: fc.constant("normal" as const), weight: 60 },
  {
    arbitrary: fc.constantFrom("reset-before" as const, "reset-mid-body" as const, "short-body" as const),
    weight: 3,
  },
  { arbitrary: fc.constant("stall" as const), weight: 1 },
);

/** One reply: mostly 200 or 404, then anything. */
export function replyArb(pool: SecretPool): Arbitrary<ReplySpec> {
  return fc.record({
    status: fc.oneof(
      { arbitrary: fc.constantFrom(200, 201, 204, 404), weight: 3 },
      { arbitrary: fc.constantFrom(...ODD_STATUSES), weight: 2 },
    ),
    headers: headersArb,
    body: bodyArb(pool),
    delivery: deliveryArb,
  });
}

/** Plausible answers that let a run get past its reads to the writes: an absent set, a clean set. */
export function saneReplyArb(pool: SecretPool): Arbitrary<ReplySpec> {
  const json = { "content-type": "application/json" };
  return fc.oneof(
    fc.constant<ReplySpec>({
      status: 404,
      headers: json,
      body: {
        kind: "text",
        text: '{"error":"Not Found","error_description":"Unable to locate the requested resource"}',
      },
      delivery: "normal",
    }),
    fc.subarray([...pool.jwks], { minLength: 1 }).map<ReplySpec>((keys) => ({
      status: 200,
      headers: json,
      body: { kind: "text", text: JSON.stringify({ keys }) },
      delivery: "normal",
    })),
  );
}

/** The command a case runs. */
export const COMMANDS = [
  ["plan"],
  ["plan", "--detailed-exitcode"],
  ["plan", "--json"],
  ["apply", "--auto-approve"],
  ["apply", "--auto-approve", "--json"],
  ["import", "hostile-a"],
] as const;

export interface HostileCase {
  readonly command: (typeof COMMANDS)[number];
  /** Start from a state that manages both sets (so plans also delete and replace). */
  readonly managed: boolean;
  readonly replies: readonly ReplySpec[];
}

export function hostileCaseArb(pool: SecretPool): Arbitrary<HostileCase> {
  return fc.record({
    command: fc.constantFrom(...COMMANDS),
    managed: fc.boolean(),
    replies: fc.array(
      fc.oneof({ arbitrary: replyArb(pool), weight: 3 }, { arbitrary: saneReplyArb(pool), weight: 2 }),
      {
        minLength: 1,
        maxLength: 5,
      },
    ),
  });
}
