import { describe, expect, it } from "vitest";
import type { Jwk } from "../../../src/jwk/jwk.js";
import { readJwk } from "../../../src/spec/rules/jwk-members.js";
import { keyFitProblems } from "../../../src/spec/rules/key-fit.js";
import { resolveKeyMeta } from "../../../src/spec/rules/key-meta.js";
import { rsaPrivateMembersAgree } from "../../../src/spec/rules/rsa-consistency.js";
import { ecPair, ed25519Pair, rsaPair, without } from "./spec-test-kit.js";

const rsa = rsaPair();
const other = rsaPair();
const ec = ecPair("P-256");
const ed = ed25519Pair();

function problemsOf(value: unknown): readonly string[] {
  const result = readJwk(value);
  return result.ok ? [] : result.problems;
}

describe("readJwk (members of one JWK)", () => {
  it("accepts complete public and private keys", () => {
    for (const jwk of [
      rsa.publicJwk,
      rsa.privateJwk,
      ec.privateJwk,
      ed.privateJwk,
      { kty: "oct", k: "AAAA" },
    ]) {
      expect(problemsOf(jwk)).toEqual([]);
    }
  });

  it("refuses a JWK Set: one key per source", () => {
    expect(problemsOf({ keys: [rsa.publicJwk] })).toEqual([
      "holds a JWK Set; a source holds exactly one key, so take one key out of its keys list",
    ]);
  });

  it("refuses an RSA private key without its CRT members, naming them", () => {
    expect(problemsOf(without(rsa.privateJwk, "p", "dq"))).toEqual([
      "is an RSA private key without p, dq; Hydra needs p and q, and RFC 7518 §6.3.2 wants all of p q dp dq qi",
    ]);
    expect(problemsOf(without(rsa.privateJwk, "p", "q", "dp", "dq", "qi"))[0]).toContain(
      "without p, q, dp, dq, qi",
    );
  });

  it("refuses multi-prime RSA (oth)", () => {
    expect(problemsOf({ ...rsa.privateJwk, oth: [{ r: "AQ", d: "AQ", t: "AQ" }] })).toContain(
      "is a multi-prime RSA key (oth); Ory ignores oth, so keysync refuses such keys",
    );
  });

  it("refuses RSA private members that do not belong together", () => {
    expect(problemsOf({ ...rsa.privateJwk, d: other.privateJwk.d })).toEqual([
      "is an RSA private key whose members do not belong together (n, e, d, p, q, dp, dq, qi)",
    ]);
  });

  it("refuses short EC and Ed25519 members (go-jose wants exact lengths)", () => {
    const shortX = Buffer.from(ec.privateJwk.x ?? "", "base64url")
      .subarray(1)
      .toString("base64url");
    expect(problemsOf({ ...ec.privateJwk, x: shortX })).toEqual([
      'has a "x" member that is not exactly 32 bytes long, as P-256 needs',
    ]);
    expect(problemsOf({ ...ed.privateJwk, d: "AAAA" })[0]).toContain(
      '"d" member that is not exactly 32 bytes',
    );
  });

  it("refuses unsupported key types and curves, and malformed members", () => {
    expect(problemsOf({ kty: "EC", crv: "secp256k1", x: "AA", y: "AA" })[0]).toContain(
      'has curve "secp256k1"',
    );
    expect(problemsOf({ kty: "OKP", crv: "X25519", x: "AA" })[0]).toContain("OKP keys must use Ed25519");
    expect(problemsOf({ kty: "DSA" })[0]).toContain('has kty "DSA"');
    expect(problemsOf({ kty: "RSA", n: "not base64!", e: "AQAB" })).toEqual([
      'has a "n" member that is not base64url text',
    ]);
    expect(problemsOf({ kty: "oct" })).toEqual(['has no "k" member']);
    expect(problemsOf({ ...rsa.publicJwk, kid: 7 })).toEqual(["has a kid member that is not a string"]);
    expect(problemsOf([rsa.publicJwk])).toEqual(["is not a JSON object holding one JWK"]);
  });

  it("never quotes a member's value", () => {
    const bad = { ...rsa.privateJwk, d: `${rsa.privateJwk.d ?? ""}!` };
    for (const problem of problemsOf(bad)) expect(problem).not.toContain(rsa.privateJwk.d ?? "unreachable");
  });
});

describe("rsaPrivateMembersAgree", () => {
  it("holds for a generated key and fails when any member is swapped", () => {
    expect(rsaPrivateMembersAgree(rsa.privateJwk)).toBe(true);
    for (const name of ["n", "d", "p", "dp", "dq", "qi"] as const) {
      expect(rsaPrivateMembersAgree({ ...rsa.privateJwk, [name]: other.privateJwk[name] })).toBe(false);
    }
  });
});

describe("resolveKeyMeta (kid, alg and use of a source key)", () => {
  const jwk: Jwk = { ...rsa.publicJwk, kid: "own-kid", alg: "RS256", use: "sig" };

  it("takes the spec's values first, then the key's own, then defaults", () => {
    expect(resolveKeyMeta({ kid: "spec-kid", alg: null, use: null }, jwk)).toEqual({
      ok: true,
      meta: { kid: "spec-kid", alg: "RS256", use: "sig" },
    });
    expect(resolveKeyMeta({ kid: null, alg: null, use: null }, jwk)).toEqual({
      ok: true,
      meta: { kid: "own-kid", alg: "RS256", use: "sig" },
    });
    expect(resolveKeyMeta({ kid: null, alg: "PS256", use: "enc" }, rsa.publicJwk)).toEqual({
      ok: true,
      meta: { kid: null, alg: "PS256", use: "enc" },
    });
  });

  it("refuses disagreement between the spec and the key", () => {
    expect(resolveKeyMeta({ kid: null, alg: "PS256", use: "enc" }, jwk)).toEqual({
      ok: false,
      problems: [
        'has its own alg "RS256", which disagrees with alg "PS256" in the spec',
        'has its own use "sig", which disagrees with use "enc" in the spec',
      ],
    });
  });

  it("needs an alg from one side and suggests one", () => {
    const result = resolveKeyMeta({ kid: "a", alg: null, use: null }, ec.privateJwk);
    expect(result).toEqual({
      ok: false,
      problems: ["carries no alg; add alg: to the key in the spec (e.g. ES256)"],
    });
  });

  it("applies the kid rule to the key's own kid unless the spec names one", () => {
    const dotted: Jwk = { ...jwk, kid: ".." };
    const refused = resolveKeyMeta({ kid: null, alg: null, use: null }, dotted);
    expect(refused.ok ? [] : refused.problems).toEqual([
      `has its own kid, which cannot be used: kid ".." is not allowed: Ory's client resolves it as a path segment; set kid: in the spec`,
    ]);
    expect(resolveKeyMeta({ kid: "fine", alg: null, use: null }, dotted).ok).toBe(true);
  });

  it("refuses a use or alg of its own that keysync does not know", () => {
    const odd: Jwk = { ...rsa.publicJwk, alg: "RS1", use: "both" };
    const result = resolveKeyMeta({ kid: "a", alg: null, use: null }, odd);
    expect(result.ok ? [] : result.problems).toEqual([
      'has its own alg "RS1", which keysync does not know; set alg: in the spec',
      'has its own use "both", which is neither sig nor enc',
    ]);
  });
});

describe("keyFitProblems (the key can do what its alg says)", () => {
  it("accepts matching keys", () => {
    expect(keyFitProblems(rsa.publicJwk, "PS384", "sig")).toEqual([]);
    expect(keyFitProblems(ec.privateJwk, "ES256", "sig")).toEqual([]);
    expect(keyFitProblems(ed.privateJwk, "EdDSA", "sig")).toEqual([]);
    expect(keyFitProblems(rsa.publicJwk, "RSA-OAEP-256", "enc")).toEqual([]);
    expect(keyFitProblems({ kty: "oct", k: Buffer.alloc(32).toString("base64url") }, "HS256", "sig")).toEqual(
      [],
    );
  });

  it("refuses the wrong key type or curve", () => {
    expect(keyFitProblems(rsa.publicJwk, "ES256", "sig")).toEqual([
      "holds an RSA key, but alg ES256 needs an EC P-256 key",
    ]);
    expect(keyFitProblems(ec.privateJwk, "ES512", "sig")).toEqual([
      "holds an EC P-256 key, but alg ES512 needs an EC P-521 key",
    ]);
    expect(keyFitProblems(ed.privateJwk, "HS256", "sig")).toEqual([
      "holds an OKP Ed25519 key, but alg HS256 needs a symmetric (oct) key",
    ]);
  });

  it("refuses RSA under 2048 bits and HMAC keys shorter than their hash", () => {
    const small = rsaPair(1024).publicJwk;
    expect(keyFitProblems(small, "RS256", "sig")).toEqual([
      "holds a 1024-bit RSA key; RSA keys must be at least 2048 bits",
    ]);
    const k = Buffer.alloc(47).toString("base64url");
    expect(keyFitProblems({ kty: "oct", k }, "HS384", "sig")).toEqual([
      "holds a 376-bit key; HS384 needs at least 384 bits (RFC 7518 §3.2)",
    ]);
  });

  it("wants use: enc for key-management algorithms", () => {
    expect(keyFitProblems(rsa.publicJwk, "RSA-OAEP", "sig")).toEqual([
      "is used with alg RSA-OAEP, an encryption algorithm, so it needs use: enc",
    ]);
  });
});
