import { generateKeyPairSync, randomBytes } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import type { JWK } from "jose";
import { describe, expect, it } from "vitest";
import { hidesThumbprint, thumbprintOf } from "../../../src/jwk/describe-key.js";
import type { Jwk } from "../../../src/jwk/jwk.js";
import { PRIVATE_MEMBERS } from "../../../src/jwk/jwk.js";

// keysync computes RFC 7638 thumbprints itself (node:crypto, synchronous, for speed); jose's
// implementation is the independent oracle here.

/** RFC 7638 §3.1's example RSA key and its published thumbprint. */
const RFC_KEY: Jwk = {
  kty: "RSA",
  n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  e: "AQAB",
  alg: "RS256",
  kid: "2011-04-29",
};

const privateJwks = (): { label: string; jwk: Jwk }[] => [
  {
    label: "RSA",
    jwk: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }) as Jwk,
  },
  ...(["P-256", "P-384", "P-521"] as const).map((crv) => ({
    label: `EC ${crv}`,
    jwk: generateKeyPairSync("ec", { namedCurve: crv }).privateKey.export({ format: "jwk" }) as Jwk,
  })),
  { label: "OKP Ed25519", jwk: generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }) as Jwk },
];

describe("thumbprintOf", () => {
  it("gives RFC 7638's published thumbprint for its example key", () => {
    expect(thumbprintOf(RFC_KEY)).toBe("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  });

  it("agrees with jose for every key type, private and public, whatever other members it has", async () => {
    for (const { label, jwk } of privateJwks()) {
      const withExtras = { ...jwk, kid: "k1", alg: "X", use: "sig" };
      const expected = await calculateJwkThumbprint(jwk as JWK, "sha256");
      expect(thumbprintOf(withExtras), label).toBe(expected);
      if (jwk.kty !== "oct") {
        const pub = Object.fromEntries(
          Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name as never)),
        ) as unknown as Jwk;
        expect(pub, label).not.toHaveProperty("d");
        expect(thumbprintOf(pub), `${label} public part`).toBe(expected);
      }
    }
  });

  it("fingerprints an oct key with salted scrypt, never the RFC 7638 SHA-256 of its secret", async () => {
    const secret = { kty: "oct", k: randomBytes(32).toString("base64url") };
    const rfc = await calculateJwkThumbprint(secret, "sha256");
    const fingerprint = thumbprintOf({ ...secret, kid: "k1", alg: "HS256" });
    expect(fingerprint).not.toBe(rfc);
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Still a fingerprint: the same secret gives the same value, another secret another one.
    expect(thumbprintOf(secret)).toBe(fingerprint);
    expect(thumbprintOf({ kty: "oct", k: randomBytes(32).toString("base64url") })).not.toBe(fingerprint);
    expect(hidesThumbprint("oct")).toBe(true);
    expect(["RSA", "EC", "OKP"].map(hidesThumbprint)).toEqual([false, false, false]);
  });

  it.each<[string, Jwk]>([
    ["an unknown kty", { kty: "XYZ" }],
    ["RSA without n", { kty: "RSA", e: "AQAB" }],
    ["EC without y", { kty: "EC", crv: "P-256", x: "AAAA" }],
    ["OKP with an empty x", { kty: "OKP", crv: "Ed25519", x: "" }],
    ["oct without k", { kty: "oct" }],
  ])("refuses %s with a TypeError that quotes no value", (_what, jwk) => {
    expect(() => thumbprintOf(jwk)).toThrow(TypeError);
    try {
      thumbprintOf(jwk);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/AQAB|AAAA/);
    }
  });
});
