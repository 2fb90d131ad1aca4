import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// Trivially weak keys parse everywhere, so nothing else stops them (issue 16, low): keysync
// refuses them before anything is sent, naming the rule and never the material.
let world: E2eWorld;
worldPerTest((w) => (world = w));

const b64 = (n: bigint): string => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex").toString("base64url");
};
const big = (member: unknown): bigint =>
  BigInt(`0x${Buffer.from(String(member), "base64url").toString("hex")}`);
const rsaPublic = (): Record<string, unknown> =>
  generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" });

function spec(alg: string, source: string): string {
  return [
    "version: 1",
    "sets:",
    "  app:",
    "    keys:",
    "      - kid: k1",
    `        alg: ${alg}`,
    `        source: ${source}`,
    "",
  ].join("\n");
}

describe("a weak key", () => {
  it.each([
    [
      "an RSA key with e = 1",
      "RS256",
      () => ({ ...rsaPublic(), e: b64(1n) }),
      "has a weak public exponent (e)",
    ],
    [
      "an RSA key with e = 3",
      "RS256",
      () => ({ ...rsaPublic(), e: b64(3n) }),
      "has a weak public exponent (e)",
    ],
    [
      "an RSA key with an even modulus",
      "RS256",
      () => {
        const jwk = rsaPublic();
        return { ...jwk, n: b64(big(jwk["n"]) - 1n) };
      },
      "has a modulus (n) with a small prime factor",
    ],
    [
      "an all-zero HS256 key",
      "HS256",
      () => ({ kty: "oct", kid: "k1", k: Buffer.alloc(32).toString("base64url") }),
      "holds a trivially guessable secret",
    ],
    [
      "an HS256 key of one repeated byte",
      "HS256",
      () => ({ kty: "oct", kid: "k1", k: Buffer.alloc(48, 7).toString("base64url") }),
      "holds a trivially guessable secret",
    ],
    [
      "an Ed25519 key with an all-zero seed",
      "EdDSA",
      () => {
        const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
        return { ...jwk, d: Buffer.alloc(32).toString("base64url") };
      },
      "has a trivially guessable private part (d)",
    ],
  ])(
    "(%s) is refused by validate, plan and apply, from a file and from env:, nothing sent",
    async (_, alg, make, problem) => {
      const jwk: Record<string, unknown> = make();
      world.write("weak.jwk.json", JSON.stringify(jwk));
      const env = { KEYSYNC_WEAK_JWK: JSON.stringify(jwk) };
      const mark = world.mark();
      for (const source of ["file:weak.jwk.json", "env:KEYSYNC_WEAK_JWK"]) {
        world.write("keysets.yaml", spec(alg, source));
        for (const args of [["validate"], ["plan"], ["apply", "--auto-approve"]]) {
          const run = await world.keysync(args, { env });
          expect({ source, args, code: run.code }).toEqual({ source, args, code: 1 });
          expect(run.stderr.startsWith(`keysets.yaml:7:17: ${source} ${problem}`), run.stderr).toBe(true);
          expect(run.stderr.trim().split("\n")).toHaveLength(1);
          for (const member of ["n", "k", "d"]) {
            const value: unknown = jwk[member];
            if (typeof value === "string" && value.length > 16) expect(run.stderr).not.toContain(value);
          }
        }
      }
      expect(world.writesSince(mark)).toEqual([]);
    },
  );
});
