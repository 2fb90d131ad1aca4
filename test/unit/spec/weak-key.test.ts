import { checkPrimeSync, generateKeyPairSync, generatePrimeSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Jwk } from "../../../src/jwk/jwk.js";
import { weakKeyProblem } from "../../../src/spec/material/weak-key.js";

const b64 = (n: bigint): string =>
  Buffer.from(n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, "0"), "hex").toString(
    "base64url",
  );
const big = (member: string | undefined): bigint =>
  BigInt(`0x${Buffer.from(member ?? "", "base64url").toString("hex")}`);

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" }) as Jwk;
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }) as Jwk;
const ed = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }) as Jwk;

/** Two 1024-bit primes a few thousand apart: n = p·q looks like any 2048-bit modulus. */
function closePrimes(): bigint {
  const p = generatePrimeSync(1024, { bigint: true });
  let q = p + 2n;
  while (!checkPrimeSync(q)) q += 2n;
  return p * q;
}

describe("weakKeyProblem", () => {
  it.each([
    ["e = 1", { ...rsa, e: b64(1n) }, "weak public exponent"],
    ["e = 3", { ...rsa, e: b64(3n) }, "weak public exponent"],
    ["an even e", { ...rsa, e: b64(65538n) }, "weak public exponent"],
    ["an even modulus", { ...rsa, n: b64(big(rsa.n) - 1n) }, "small prime factor"],
    ["a modulus divisible by 997", { ...rsa, n: b64(big(rsa.n) * 997n) }, "small prime factor"],
    ["two primes close together", { ...rsa, n: b64(closePrimes()) }, "Fermat"],
    ["an EC d of 1", { ...ec, d: b64(1n) }, "trivially guessable private part"],
    [
      "an EC d below 2^64",
      { ...ec, d: Buffer.concat([Buffer.alloc(24), randomBytes(8)]).toString("base64url") },
      "trivially guessable",
    ],
    ["an Ed25519 seed of zeros", { ...ed, d: Buffer.alloc(32).toString("base64url") }, "trivially guessable"],
    [
      "an Ed25519 seed of one repeated byte",
      { ...ed, d: Buffer.alloc(32, 0x41).toString("base64url") },
      "trivially guessable",
    ],
    [
      "an all-zero HS256 key",
      { kty: "oct", k: Buffer.alloc(32).toString("base64url") },
      "trivially guessable secret",
    ],
    [
      "an HMAC key of one repeated byte",
      { kty: "oct", k: Buffer.alloc(64, 0xff).toString("base64url") },
      "trivially guessable secret",
    ],
    [
      "an HMAC key of a repeated 8-byte pattern",
      { kty: "oct", k: Buffer.from("s3cr3t!!".repeat(4)).toString("base64url") },
      "trivially guessable secret",
    ],
  ] as const)("refuses %s", (_, jwk, problem) => {
    expect(weakKeyProblem(jwk as Jwk)).toContain(problem);
  });

  it("never says so of keys a generator made", () => {
    for (let i = 0; i < 3; i += 1) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      expect(weakKeyProblem(pair.privateKey.export({ format: "jwk" }) as Jwk)).toBeNull();
      expect(weakKeyProblem(pair.publicKey.export({ format: "jwk" }) as Jwk)).toBeNull();
    }
    for (let i = 0; i < 50; i += 1) {
      for (const curve of ["P-256", "P-384", "P-521"]) {
        const key = generateKeyPairSync("ec", { namedCurve: curve }).privateKey.export({ format: "jwk" });
        expect(weakKeyProblem(key as Jwk)).toBeNull();
      }
      expect(
        weakKeyProblem(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }) as Jwk),
      ).toBeNull();
      expect(weakKeyProblem({ kty: "oct", k: randomBytes(32).toString("base64url") })).toBeNull();
    }
  });
});
