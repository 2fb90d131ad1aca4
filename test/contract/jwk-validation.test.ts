import { createHash, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ecJwk, edJwk, omit, rsaJwk } from "../support/test-jwks.js";
import type { TestJwk } from "../support/test-jwks.js";
import { expectMalformed, expectSuccessJson, keysOf, useContractTarget } from "./contract-api.js";
import { TEST_CERT_DER_BASE64, TEST_CERT_JWK } from "./test-certificate.js";

// What a PUT body may contain: go-jose's decoding, the only validation Hydra applies
// (hydra-jwk-contract.md §5). Exact go-jose error texts are not asserted: only the 400 shape.
const contract = useContractTarget();

const b64 = (bytes: Buffer): string => bytes.toString("base64url");
const bytes = (value: unknown): Buffer => Buffer.from(String(value), "base64url");

function flipLastByte(value: unknown): string {
  const b = bytes(value);
  b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 1;
  return b64(b);
}

async function expectRejected(label: string, jwk: Record<string, unknown>): Promise<void> {
  const set = contract.target.newSet(`reject-${label}`);
  const res = await contract.api.setKey(
    set,
    "k",
    { kid: "k", use: "sig", alg: "ES256", ...jwk },
    { skipRequestSchema: true },
  );
  expectMalformed(res);
  expect((await contract.api.getSet(set)).status).toBe(404);
}

async function expectAccepted(label: string, jwk: TestJwk): Promise<Record<string, unknown>> {
  const set = contract.target.newSet(`accept-${label}`);
  const res = await contract.api.setKey(set, String(jwk["kid"]), jwk);
  expectSuccessJson(res, 200);
  return keysOf(await contract.api.getSet(set))[0] ?? {};
}

describe("JWK bodies Hydra refuses (400, nothing stored)", () => {
  it("a missing or unknown kty", async () => {
    await expectRejected("no-kty", omit(ecJwk("k"), "kty"));
    await expectRejected("bad-kty", { ...ecJwk("k"), kty: "ECDSA" });
  });

  it("an RSA private key without p and q, or whose d does not fit", async () => {
    await expectRejected("rsa-no-pq", omit(rsaJwk("k"), "p", "q", "dp", "dq", "qi"));
    await expectRejected("rsa-bad-d", { ...rsaJwk("k"), d: flipLastByte(rsaJwk("k")["d"]) });
  });

  it("an EC key on an unsupported curve, with a short coordinate, or off its curve", async () => {
    await expectRejected("ec-curve", { ...ecJwk("k"), crv: "secp256k1" });
    const key = ecJwk("k");
    await expectRejected("ec-short-x", { ...key, x: b64(bytes(key["x"]).subarray(1)) });
    await expectRejected("ec-off-curve", { ...key, y: flipLastByte(key["y"]) });
    await expectRejected("ec-short-d", { ...key, d: b64(bytes(key["d"]).subarray(1)) });
  });

  it("an OKP key on a curve other than Ed25519", async () => {
    const x25519 = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" });
    await expectRejected("okp-x25519", { ...x25519, kid: "k" });
    await expectRejected("okp-ed448", { ...edJwk("k"), crv: "Ed448" });
  });

  it("an oct key without k, and members that are not base64url", async () => {
    await expectRejected("oct-no-k", { kty: "oct", alg: "HS256" });
    await expectRejected("bad-base64", { ...ecJwk("k"), x: "not base64!" });
  });

  it("an x5c certificate whose key is not the JWK's key", async () => {
    await expectRejected("x5c-mismatch", { ...ecJwk("k"), x5c: [TEST_CERT_DER_BASE64] });
  });
});

describe("JWK bodies Hydra accepts although keysync must not rely on them", () => {
  it("an RSA key of 512 bits (no minimum size)", async () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 512 }).privateKey.export({ format: "jwk" });
    await expectAccepted("rsa-512", { ...small, kty: "RSA", kid: "small", alg: "RS256", use: "sig" });
  });

  it("an EC private key whose d does not belong to x/y", async () => {
    const stored = await expectAccepted("ec-mismatch", { ...ecJwk("mix"), d: ecJwk("other")["d"] });
    expect(stored["kid"]).toBe("mix");
  });

  it("an Ed25519 private key whose x does not belong to d", async () => {
    await expectAccepted("okp-mismatch", { ...edJwk("mix"), x: edJwk("other")["x"] });
  });

  it("padded base64url members, which come back unpadded", async () => {
    const key = ecJwk("padded");
    const stored = await expectAccepted("padded", { ...key, x: `${String(key["x"])}=` });
    expect(stored["x"]).toBe(key["x"]);
  });

  it("an x5c chain whose leaf key is the JWK's key, with matching thumbprints", async () => {
    const der = Buffer.from(TEST_CERT_DER_BASE64, "base64");
    const jwk: TestJwk = {
      ...TEST_CERT_JWK,
      kid: "with-cert",
      alg: "ES256",
      use: "sig",
      x5c: [TEST_CERT_DER_BASE64],
      x5t: b64(createHash("sha1").update(der).digest()),
      "x5t#S256": b64(createHash("sha256").update(der).digest()),
    };
    const stored = await expectAccepted("x5c", jwk);
    expect(stored["x5c"]).toEqual([TEST_CERT_DER_BASE64]);
    expect(stored["x5t#S256"]).toBe(jwk["x5t#S256"]);
  });
});
