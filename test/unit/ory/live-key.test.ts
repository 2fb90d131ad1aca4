import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OryError } from "../../../src/errors.js";
import { PRIVATE_MEMBERS } from "../../../src/jwk/jwk.js";
import { liveKeyOf, liveKeysOf } from "../../../src/ory/live-key.js";

const OP = "GET /admin/keys/s";

function ecPrivate(kid: string): Record<string, unknown> {
  const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  return { ...jwk, kid, alg: "ES256", use: "sig" };
}

const rsaPrivate = (() => {
  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  return { ...jwk, kid: "r1", alg: "RS256", use: "sig" } as Record<string, unknown>;
})();

function malformed(run: () => unknown): OryError {
  let error: unknown = null;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OryError);
  expect((error as OryError).kind).toBe("malformed");
  return error as OryError;
}

/** Every private value of the raw keys must be absent from what the adapter kept. */
function expectNoPrivateValues(raw: readonly Record<string, unknown>[], kept: unknown): void {
  const text = JSON.stringify(kept);
  for (const key of raw) {
    for (const member of PRIVATE_MEMBERS) {
      const value = key[member];
      if (typeof value === "string") expect(text).not.toContain(value);
    }
  }
}

describe("liveKeyOf", () => {
  it("keeps the facts of an RSA private key and drops every private member", () => {
    const key = liveKeyOf(rsaPrivate, OP);
    expect(key).toMatchObject({
      kid: "r1",
      kty: "RSA",
      alg: "RS256",
      use: "sig",
      size: 2048,
      hasPrivate: true,
    });
    expect(key.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(key).sort()).toEqual([
      "alg",
      "crv",
      "hasPrivate",
      "kid",
      "kty",
      "size",
      "thumbprint",
      "use",
    ]);
    expectNoPrivateValues([rsaPrivate], key);
  });

  it("gives a private key and its public part the same thumbprint", () => {
    const priv = ecPrivate("e1");
    const pub = Object.fromEntries(Object.entries(priv).filter(([k]) => k !== "d"));
    const [a, b] = [liveKeyOf(priv, OP), liveKeyOf(pub, OP)];
    expect(a.thumbprint).toBe(b.thumbprint);
    expect([a.hasPrivate, b.hasPrivate]).toEqual([true, false]);
    expect(a.crv).toBe("P-256");
  });

  it("reports an oct key as private without keeping k", () => {
    const raw = { kty: "oct", kid: "h1", alg: "HS256", use: "sig", k: randomBytes(32).toString("base64url") };
    const key = liveKeyOf(raw, OP);
    expect(key).toMatchObject({ kty: "oct", hasPrivate: true, size: 256 });
    expectNoPrivateValues([raw], key);
  });

  it("returns unsafe and missing kids faithfully (the planner refuses to address them)", () => {
    const slash = liveKeyOf(ecPrivate("a/b"), OP);
    expect(slash.kid).toBe("a/b");
    const noKid = Object.fromEntries(Object.entries(ecPrivate("x")).filter(([m]) => m !== "kid"));
    expect(liveKeyOf(noKid, OP).kid).toBe("");
  });

  it.each([
    ["not an object", "nope"],
    ["an array", [1, 2]],
    ["a numeric kid", { ...ecPrivate("x"), kid: 7 }],
    ["no kty", { kid: "k", n: "AQAB", e: "AQAB" }],
    ["an unknown kty", { kty: "XYZ", kid: "k" }],
    ["RSA without n", { kty: "RSA", kid: "k", e: "AQAB" }],
    ["EC without y", { kty: "EC", kid: "k", crv: "P-256", x: "AAAA" }],
    ["a numeric modulus", { kty: "RSA", kid: "k", n: 12345, e: "AQAB" }],
    ["a non-string private member", { ...rsaPrivate, p: 17 }],
  ])("refuses a key that is %s as malformed, naming the operation", (_what, raw) => {
    const error = malformed(() => liveKeyOf(raw, OP));
    expect(error.message).toContain(OP);
  });

  it("quotes a safe kid and never an unsafe one", () => {
    expect(malformed(() => liveKeyOf({ kty: "RSA", kid: "good-kid" }, OP)).message).toContain(
      'key "good-kid"',
    );
    const unsafe = "x".repeat(20) + "/../" + "y".repeat(20);
    const message = malformed(() => liveKeyOf({ kty: "RSA", kid: unsafe }, OP)).message;
    expect(message).toContain("a key with an unusable kid");
    expect(message).not.toContain(unsafe);
  });

  it("never quotes key material in a malformed error", () => {
    const broken = { ...rsaPrivate, e: undefined, n: undefined };
    const error = malformed(() => liveKeyOf(broken, OP));
    expectNoPrivateValues([rsaPrivate], [error.message, error.stack]);
  });
});

describe("liveKeysOf", () => {
  it("keeps Ory's order", () => {
    const keys = liveKeysOf({ keys: [ecPrivate("c"), ecPrivate("b"), ecPrivate("a")] }, OP);
    expect(keys.map((k) => k.kid)).toEqual(["c", "b", "a"]);
  });

  it.each([
    ["null", null],
    ["an array", []],
    ["no keys", { items: [] }],
    ["keys null", { keys: null }],
    ["keys an object", { keys: { a: 1 } }],
  ])("refuses a body that is %s", (_what, body) => {
    const error = malformed(() => liveKeysOf(body, OP));
    expect(error.message).toContain('no "keys" array');
  });
});
