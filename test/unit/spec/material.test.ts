import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calculateJwkThumbprint } from "jose";
import type { JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeysyncError } from "../../../src/errors.js";
import type { Jwk } from "../../../src/jwk/jwk.js";
import { SourceError, readKeyMaterial, toUploadJwk } from "../../../src/spec/material.js";
import {
  MAX_KEY_FILE_BYTES,
  OUTSIDE_SPEC_TREE,
  readKeyFile,
} from "../../../src/spec/material/read-key-file.js";
import {
  check,
  ecPair,
  ed25519Pair,
  key,
  pemBlock,
  privateValues,
  problems,
  rsaPair,
  specWithKeys,
  without,
} from "./spec-test-kit.js";

const FIXTURE_KEYS = join(import.meta.dirname, "../../../fixtures/keys");
const rsa = rsaPair();
const ec = ecPair("P-256");
const otherEc = ecPair("P-256");
const ed = ed25519Pair();
const otherEd = ed25519Pair();
let dir = "";
let specPath = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keysync-material-"));
  specPath = join(dir, "keysets.yaml");
  await mkdir(join(dir, "keys"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `body` as a key file in the temp dir and reads it back through `readKeyMaterial`. */
async function readAs(name: string, body: string | Uint8Array): Promise<Jwk> {
  await writeFile(join(dir, "keys", name), body);
  return readKeyMaterial(`file:keys/${name}`, { specPath, env: {} });
}

/** The message `readKeyMaterial` throws for `body` given through an env var. */
async function refusal(body: string): Promise<string> {
  try {
    await readKeyMaterial("env:KEYSYNC_TEST_KEY", { specPath, env: { KEYSYNC_TEST_KEY: body } });
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toBeInstanceOf(KeysyncError);
    return (error as Error).message;
  }
  throw new Error("expected a SourceError");
}

describe("readKeyMaterial reads every supported format", () => {
  it("PKCS#8 and PKCS#1 RSA private keys, with every private member", async () => {
    for (const [name, pem] of [
      ["rsa-pkcs8.pem", rsa.privatePem],
      ["rsa-pkcs1.pem", rsa.pkcs1Pem],
    ] as const) {
      const jwk = await readAs(name, pem);
      expect(Object.keys(jwk).sort()).toEqual(["d", "dp", "dq", "e", "kty", "n", "p", "q", "qi"]);
      expect(jwk.n).toBe(rsa.privateJwk.n);
    }
  });

  it("SEC1 EC keys, also after an EC PARAMETERS block as openssl ecparam writes it", async () => {
    const params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    const jwk = await readAs("ec.pem", params + ec.sec1Pem);
    expect(jwk).toEqual({
      kty: "EC",
      crv: "P-256",
      x: ec.privateJwk.x,
      y: ec.privateJwk.y,
      d: ec.privateJwk.d,
    });
  });

  it("Ed25519 private keys and JWK JSON", async () => {
    expect((await readAs("ed.pem", ed.privatePem)).x).toBe(ed.privateJwk.x);
    const jwk = await readAs("ed.json", JSON.stringify({ ...ed.privateJwk, kid: "mine", alg: "EdDSA" }));
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: "mine", alg: "EdDSA" });
  });

  it("SPKI, PKCS#1 public keys and X.509 certificates, as public keys", async () => {
    const ctx = { specPath: join(FIXTURE_KEYS, "spec.yaml"), env: {} };
    const spki = await readKeyMaterial("file:partner-enc.pub.pem", ctx);
    const pkcs1 = await readKeyMaterial("file:rsa-2048.pkcs1.pub.pem", ctx);
    const cert = await readKeyMaterial("file:partner.cert.pem", ctx);
    expect(Object.keys(spki).sort()).toEqual(["e", "kty", "n"]);
    expect(pkcs1.kty).toBe("RSA");
    expect(cert).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(cert.d).toBeUndefined();
  });

  it("gives a private key and its public part the same thumbprint", async () => {
    const privateJwk = await readAs("t.pem", rsa.privatePem);
    expect(await calculateJwkThumbprint(privateJwk as JWK)).toBe(
      await calculateJwkThumbprint(rsa.publicJwk as JWK),
    );
  });
});

describe("readKeyMaterial refuses unusable material, naming the source and never the material", () => {
  const mismatchedEc = { ...ec.privateJwk, x: otherEc.privateJwk.x, y: otherEc.privateJwk.y };
  const mismatchedEd = { ...ed.privateJwk, x: otherEd.privateJwk.x };
  const noPrimes = without(rsa.privateJwk, "p", "q");
  const withOth = { ...rsa.privateJwk, oth: [{ r: "AQAB", d: "AQAB", t: "AQAB" }] };

  it.each([
    [
      "an EC private part that belongs to another key",
      mismatchedEc,
      "has a private part (d) that does not belong to its public part",
    ],
    [
      "an Ed25519 private part that belongs to another key",
      mismatchedEd,
      "has a private part (d) that does not belong",
    ],
    [
      "an RSA private key without p and q",
      noPrimes,
      "is an RSA private key without p, q; Hydra needs p and q",
    ],
    ["a multi-prime RSA key", withOth, "is a multi-prime RSA key (oth)"],
  ])("%s", async (_, jwk, fragment) => {
    const message = await refusal(JSON.stringify(jwk));
    expect(message).toContain(`env:KEYSYNC_TEST_KEY ${fragment}`);
    for (const value of privateValues(jwk)) expect(message).not.toContain(value);
  });

  it("encrypted PEM, in PKCS#8 and in the legacy Proc-Type form", async () => {
    for (const type of ["pkcs8", "pkcs1"] as const) {
      const { privateKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type, format: "pem", cipher: "aes-256-cbc", passphrase: "not-asked-for" },
      });
      expect(await refusal(privateKey)).toContain(
        "holds an encrypted private key; keysync takes no passphrases",
      );
    }
  });

  it("JWK Sets, several PEM blocks, unsupported PEM blocks and key types", async () => {
    expect(await refusal(JSON.stringify({ keys: [rsa.publicJwk] }))).toContain("holds a JWK Set");
    expect(await refusal(rsa.privatePem + ed.privatePem)).toContain("holds 2 PEM blocks");
    expect(await refusal(pemBlock("OPENSSH PRIVATE KEY", "AAAA"))).toContain(
      'holds a PEM block labelled "OPENSSH PRIVATE KEY"',
    );
    const dsa = generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 });
    const dsaPem = dsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(await refusal(dsaPem)).toContain("holds a dsa key; keysync takes RSA, EC");
  });

  it("text that is not a key, without quoting it", async () => {
    const secretish = rsa.privateJwk.d ?? "";
    expect(await refusal(`{"d": "${secretish}", broken`)).toBe("env:KEYSYNC_TEST_KEY is not valid JSON");
    expect(await refusal(pemBlock("PRIVATE KEY", secretish))).toBe(
      "env:KEYSYNC_TEST_KEY holds a PRIVATE KEY PEM block that could not be read",
    );
    expect(await refusal(secretish)).toBe("env:KEYSYNC_TEST_KEY is neither PEM nor a JWK JSON object");
    expect(await refusal("   ")).toBe("env:KEYSYNC_TEST_KEY is set but empty");
  });

  it("binary (DER) files", async () => {
    const der = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "der",
    });
    await expect(readAs("key.der", der)).rejects.toThrow("file:keys/key.der is not text");
  });

  it("missing, oversized and non-regular files, and unset variables", async () => {
    await expect(readKeyMaterial("file:keys/none.pem", { specPath, env: {} })).rejects.toThrow(
      "file:keys/none.pem does not exist (file: paths are relative to the spec file)",
    );
    await writeFile(join(dir, "keys", "big.pem"), "x".repeat(MAX_KEY_FILE_BYTES + 1));
    await expect(readKeyMaterial("file:keys/big.pem", { specPath, env: {} })).rejects.toThrow(
      `file:keys/big.pem is ${MAX_KEY_FILE_BYTES + 1} bytes; key files are limited to ${MAX_KEY_FILE_BYTES}`,
    );
    await expect(readKeyMaterial("file:keys", { specPath, env: {} })).rejects.toThrow(
      "file:keys is a directory",
    );
    await expect(readKeyMaterial("env:KEYSYNC_UNSET", { specPath, env: {} })).rejects.toThrow(
      "env:KEYSYNC_UNSET is not set",
    );
    await expect(readKeyMaterial("env:HOME", { specPath, env: { HOME: "/root" } })).rejects.toThrow(
      "source env: must name a variable starting with KEYSYNC_",
    );
  });

  it("accepts an absolute file: path inside the spec's tree, and refuses one outside it", async () => {
    await writeFile(join(dir, "abs.pem"), ec.sec1Pem);
    const jwk = await readKeyMaterial(`file:${join(dir, "abs.pem")}`, { specPath, env: {} });
    expect(jwk.d).toBe(ec.privateJwk.d);
    await expect(
      readKeyMaterial(`file:${join(dir, "abs.pem")}`, { specPath: "/elsewhere/k.yaml", env: {} }),
    ).rejects.toThrow(`file:${join(dir, "abs.pem")} ${OUTSIDE_SPEC_TREE}`);
  });
});

describe("a source holds exactly one key and nothing else", () => {
  const params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
  const fixture = (name: string): string => join(FIXTURE_KEYS, name);
  const ctx = (): { specPath: string; env: Record<string, never> } => ({
    specPath: join(FIXTURE_KEYS, "spec.yaml"),
    env: {},
  });

  it.each([
    [
      "two private keys",
      () => ec.sec1Pem + rsa.privatePem,
      "holds 2 PEM blocks; a source holds exactly one key",
    ],
    [
      "a private key and a public key",
      () => rsa.privatePem + readFileSync(fixture("partner-enc.pub.pem"), "utf8"),
      "holds 2 PEM blocks",
    ],
    [
      "a private key then a certificate",
      () => ec.sec1Pem + readFileSync(fixture("partner.cert.pem"), "utf8"),
      "holds 2 PEM blocks",
    ],
    ["EC PARAMETERS after the key", () => ec.sec1Pem + params, "holds 2 PEM blocks"],
    ["EC PARAMETERS before a PKCS#8 key", () => params + ed.privatePem, "holds 2 PEM blocks"],
    [
      "text before the block",
      () => `Bag Attributes\n    localKeyID: 01\n${ec.sec1Pem}`,
      "holds text outside its PEM blocks",
    ],
    [
      "text after the block",
      () => `${readFileSync(fixture("partner-enc.pub.pem"), "utf8")}\nexport AWS_SECRET=x\n`,
      "holds text outside its PEM blocks",
    ],
    [
      "a certificate followed by one that did not issue it",
      () => readFileSync(fixture("leaf-and-unrelated.cert.pem"), "utf8"),
      "holds 2 certificates that are not one chain",
    ],
  ])("refuses %s", async (_, body, problem) => {
    expect(await refusal(body())).toContain(problem);
  });

  it("reads an EC PARAMETERS block right before a SEC1 key, and a certificate followed by its issuer", async () => {
    expect((await readAs("params.pem", params + ec.sec1Pem)).d).toBe(ec.privateJwk.d);
    const chain = await readKeyMaterial("file:leaf-and-issuer.cert.pem", ctx());
    const [leafPem] = readFileSync(fixture("leaf-and-issuer.cert.pem"), "utf8").split(
      /(?<=-----END CERTIFICATE-----\n)/,
    );
    const leaf = await readAs("leaf.cert.pem", leafPem ?? "");
    expect(chain).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(chain.d).toBeUndefined();
    expect(chain).toEqual(leaf);
  });
});

describe("readKeyFile", () => {
  const spec = (): string => join(dir, "keysets.yaml");

  it("returns null for a missing file and bytes for a file", async () => {
    expect(await readKeyFile(join(dir, "nope"), spec())).toBeNull();
    expect(await readKeyFile(join(dir, "nope", "deeper"), spec())).toBeNull();
    await writeFile(join(dir, "small"), "abc");
    expect(Buffer.from((await readKeyFile(join(dir, "small"), spec())) ?? []).toString()).toBe("abc");
  });

  it("follows symlinks that stay inside the spec's tree", async () => {
    await mkdir(join(dir, "real-keys"), { recursive: true });
    await writeFile(join(dir, "real-keys", "k.pem"), "inside");
    await symlink("real-keys/k.pem", join(dir, "k-link.pem"));
    await symlink("real-keys", join(dir, "keys-link"));
    for (const path of ["k-link.pem", "keys-link/k.pem", "real-keys/../real-keys/k.pem"]) {
      expect(Buffer.from((await readKeyFile(join(dir, path), spec())) ?? []).toString()).toBe("inside");
    }
  });

  it("gives one answer for every path outside the tree, existing or not, before opening it", async () => {
    const outside = await mkdtemp(join(tmpdir(), "keysync-outside-"));
    try {
      await writeFile(join(outside, "secret.pem"), "outside");
      await symlink(join(outside, "secret.pem"), join(dir, "to-outside.pem"));
      await symlink(join(outside, "missing.pem"), join(dir, "to-missing.pem"));
      await symlink(outside, join(dir, "outside-dir"));
      const paths = [
        join(outside, "secret.pem"),
        join(outside, "missing.pem"),
        join(dir, "..", "..", "etc", "passwd"),
        join(dir, "to-outside.pem"),
        join(dir, "to-missing.pem"),
        join(dir, "outside-dir", "secret.pem"),
        join(dir, "outside-dir", "missing", "deeper.pem"),
        "/proc/self/environ",
        "/dev/zero",
        "/sys/kernel/notes",
      ];
      for (const path of paths) {
        await expect(readKeyFile(path, spec()), path).rejects.toThrow(OUTSIDE_SPEC_TREE);
      }
      // /proc, /dev and /sys stay closed even to a spec that lives there.
      await expect(readKeyFile("/proc/self/environ", "/proc/self/keysets.yaml")).rejects.toThrow(
        OUTSIDE_SPEC_TREE,
      );
      await expect(readKeyFile("/dev/null", "/keysets.yaml")).rejects.toThrow(OUTSIDE_SPEC_TREE);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("refuses a FIFO without waiting on it, and a directory", async () => {
    execFileSync("mkfifo", [join(dir, "pipe.pem")]);
    await expect(readKeyFile(join(dir, "pipe.pem"), spec())).rejects.toThrow(
      "is a named pipe (FIFO), not a regular file",
    );
    await mkdir(join(dir, "a-dir.pem"), { recursive: true });
    await expect(readKeyFile(join(dir, "a-dir.pem"), spec())).rejects.toThrow("is a directory");
  });
});

describe("toUploadJwk", () => {
  it("keeps the key members, takes kid, alg and use from the spec, and drops everything else", () => {
    const material: Jwk = {
      ...rsa.privateJwk,
      kid: "file-kid",
      alg: "PS256",
      use: "enc",
      x5c: ["AAAA"],
      key_ops: ["sign"],
    };
    const upload = toUploadJwk(material, { kid: "spec-kid", alg: "RS256", use: "sig" });
    expect(upload).toEqual({ ...rsa.privateJwk, kid: "spec-kid", alg: "RS256", use: "sig" });
    expect(Object.keys(upload).slice(0, 4)).toEqual(["kty", "kid", "use", "alg"]);
    expect(toUploadJwk(ec.privateJwk, { kid: "k", alg: "ES256", use: "sig" })).toEqual({
      kty: "EC",
      kid: "k",
      use: "sig",
      alg: "ES256",
      crv: "P-256",
      x: ec.privateJwk.x,
      y: ec.privateJwk.y,
      d: ec.privateJwk.d,
    });
  });
});

describe("source keys in a spec (checkSpec with private material)", () => {
  const hmac = (bytes: number): string =>
    JSON.stringify({ kty: "oct", k: randomBytes(bytes).toString("base64url") });

  it("refuses HMAC keys shorter than their hash, at the source node", async () => {
    const text = specWithKeys("s", key({ kid: "h", alg: "HS512", source: "env:KEYSYNC_HMAC" }));
    expect(await problems(text, { env: { KEYSYNC_HMAC: hmac(32) } })).toEqual([
      "keysets.yaml:7:17: env:KEYSYNC_HMAC holds a 256-bit key; HS512 needs at least 512 bits (RFC 7518 §3.2)",
    ]);
    expect(await problems(text, { env: { KEYSYNC_HMAC: hmac(64) } })).toEqual(["ok"]);
  });

  it("refuses an oct key in a reserved set and accepts a private signing key there", async () => {
    const text = specWithKeys(
      "hydra.jwt.access-token",
      key({ kid: "h", alg: "HS256", source: "env:KEYSYNC_HMAC" }),
      key({ kid: "s", source: "env:KEYSYNC_EC" }),
    );
    const env = { KEYSYNC_HMAC: hmac(32), KEYSYNC_EC: JSON.stringify({ ...ec.privateJwk, alg: "ES256" }) };
    expect(await problems(text, { env })).toEqual([
      'keysets.yaml:7:17: key "h" is a symmetric (oct) key; reserved set "hydra.jwt.access-token" is published at /.well-known/jwks.json, which fails on oct keys',
    ]);
  });

  it("describes a private source key by its public facts only", async () => {
    const text = specWithKeys("s", key({ kid: "r", alg: "PS256", source: "env:KEYSYNC_RSA" }));
    const result = await check(text, { env: { KEYSYNC_RSA: rsa.pkcs1Pem } });
    expect(result.ok).toBe(true);
    const serialized = JSON.stringify(result);
    for (const value of privateValues(rsa.privateJwk)) expect(serialized).not.toContain(value);
    expect(serialized).toContain('"hasPrivate":true');
  });
});
