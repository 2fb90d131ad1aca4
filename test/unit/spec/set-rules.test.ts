import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../src/errors.js";
import type { SourcePosition } from "../../../src/errors.js";
import type { KeyFacts } from "../../../src/jwk/key-facts.js";
import { duplicateKidProblems, duplicateMaterialProblems } from "../../../src/spec/rules/duplicates.js";
import { reservedSetProblems } from "../../../src/spec/rules/reserved-sets.js";
import type {
  ResolvedGeneratedKey,
  ResolvedSet,
  ResolvedSourceKey,
} from "../../../src/spec/rules/resolved-key.js";

const at = (line: number, column: number): SourcePosition => ({ file: "k.yaml", line, column });

function generated(kid: string, line: number, use: "sig" | "enc" = "sig"): ResolvedGeneratedKey {
  return {
    origin: "generated",
    position: at(line, 9),
    kid: { value: kid, position: at(line, 14) },
    alg: "ES256",
    use,
  };
}

function fromSource(
  kid: string,
  line: number,
  facts: Partial<KeyFacts> & { thumbprint: string },
  use: "sig" | "enc" = "sig",
): ResolvedSourceKey {
  return {
    origin: "source",
    position: at(line, 9),
    kid: { value: kid, position: at(line + 1, 17) },
    alg: "RS256",
    use,
    source: { value: `file:${kid}.pem`, position: at(line + 1, 17) },
    facts: { kid, kty: "RSA", alg: "RS256", use, crv: null, size: 2048, hasPrivate: false, ...facts },
  };
}

function set(setId: string, keys: ResolvedSet["keys"], complete = true): ResolvedSet {
  return { setId: { value: setId, position: at(3, 3) }, keys, complete };
}

const lines = (diagnostics: readonly Parameters<typeof formatDiagnostic>[0][]): string[] =>
  diagnostics.map(formatDiagnostic);

describe("duplicateKidProblems", () => {
  it("reports every later key under a kid already used, at its kid", () => {
    const keys = [generated("a", 5), generated("b", 7), generated("a", 9), generated("a", 11)];
    expect(lines(duplicateKidProblems(set("s", keys)))).toEqual([
      'k.yaml:9:14: duplicate kid "a" in set "s" (first used on line 5)',
      'k.yaml:11:14: duplicate kid "a" in set "s" (first used on line 5)',
    ]);
  });

  it("compares source kids too (kids taken from the material)", () => {
    const keys = [generated("partner", 5), fromSource("partner", 7, { thumbprint: "t1" })];
    expect(lines(duplicateKidProblems(set("s", keys)))).toEqual([
      'k.yaml:8:17: duplicate kid "partner" in set "s" (first used on line 5)',
    ]);
    expect(duplicateKidProblems(set("s", [generated("a", 5), generated("b", 7)]))).toEqual([]);
  });
});

describe("duplicateMaterialProblems", () => {
  it("reports a second source key with the same thumbprint, at its source", () => {
    const keys = [fromSource("a", 5, { thumbprint: "same" }), fromSource("b", 8, { thumbprint: "same" })];
    expect(lines(duplicateMaterialProblems(set("s", keys)))).toEqual([
      'k.yaml:9:17: key "b" holds the same key material as key "a" (line 6); each key of a set needs its own',
    ]);
  });

  it("ignores different material and generated keys", () => {
    const keys = [
      fromSource("a", 5, { thumbprint: "one" }),
      fromSource("b", 8, { thumbprint: "two" }),
      generated("c", 11),
    ];
    expect(duplicateMaterialProblems(set("s", keys))).toEqual([]);
  });
});

describe("reservedSetProblems", () => {
  const reserved = "hydra.openid.id-token";

  it("accepts a reserved set with a generated or private signing key", () => {
    expect(reservedSetProblems(set(reserved, [generated("a", 5)]))).toEqual([]);
    const privateKey = fromSource("a", 5, { thumbprint: "t", hasPrivate: true });
    expect(reservedSetProblems(set(reserved, [privateKey]))).toEqual([]);
  });

  it("leaves other sets alone", () => {
    expect(reservedSetProblems(set("my-set", [fromSource("a", 5, { thumbprint: "t" })]))).toEqual([]);
  });

  it("needs a private signing key, reported at the set ID", () => {
    const publicOnly = fromSource("a", 5, { thumbprint: "t" });
    expect(lines(reservedSetProblems(set(reserved, [publicOnly])))).toEqual([
      'k.yaml:3:3: reserved set "hydra.openid.id-token" needs at least one private signing key (use: sig, not oct); without one Ory generates a random key into it',
    ]);
  });

  it("does not judge an incomplete set (keys that failed elsewhere are missing)", () => {
    expect(reservedSetProblems(set(reserved, [], false))).toEqual([]);
  });

  it("refuses oct keys and private enc keys in a reserved set", () => {
    const oct = fromSource("hmac", 5, { thumbprint: "t", kty: "oct", hasPrivate: true });
    const enc = generated("enc", 8, "enc");
    expect(
      lines(reservedSetProblems(set("hydra.jwt.access-token", [oct, enc, generated("sig", 10)]))),
    ).toEqual([
      'k.yaml:6:17: key "hmac" is a symmetric (oct) key; reserved set "hydra.jwt.access-token" is published at /.well-known/jwks.json, which fails on oct keys',
      'k.yaml:8:9: key "enc" is a private key with use: enc; in reserved set "hydra.jwt.access-token" Ory could sign tokens with it',
    ]);
  });
});
