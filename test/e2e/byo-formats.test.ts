import { createPublicKey, generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { calculateJwkThumbprint } from "jose";
import type { JWK } from "jose";
import { TEST_CERT_DER_BASE64, TEST_CERT_JWK } from "../contract/test-certificate.js";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";

// Bring-your-own keys in every format keysync reads (docs/spec.md "Sources"), uploaded to the
// Ory of this test project (embedded, or real Hydra v2.3.0) and read back from it.
let world: E2eWorld;
worldPerTest((w) => (world = w));

const pem = (key: KeyObject, type: "pkcs8" | "pkcs1" | "sec1" | "spki"): string =>
  key.export({ type, format: "pem" } as never) as unknown as string;

function certificatePem(): string {
  const lines = TEST_CERT_DER_BASE64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

describe("bring-your-own keys", () => {
  it("are uploaded from every format with their RFC 7638 thumbprints, private ones signing, public ones not", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rsaPss = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const p521 = generateKeyPairSync("ec", { namedCurve: "P-521" });
    const ed = generateKeyPairSync("ed25519");
    const pubRsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pubEc = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const envKey = generateKeyPairSync("ec", { namedCurve: "P-256" });

    const files: Record<string, string> = {
      "rsa-pkcs1.pem": pem(rsa.privateKey, "pkcs1"),
      "rsa-pss-pkcs8.pem": pem(rsaPss.privateKey, "pkcs8"),
      "p256-sec1.pem": pem(p256.privateKey, "sec1"),
      // openssl ecparam -genkey writes the curve's parameters before the SEC1 key.
      "p384-sec1-params.pem": `-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n${pem(p384.privateKey, "sec1")}`,
      "p521.jwk.json": JSON.stringify(p521.privateKey.export({ format: "jwk" })),
      "ed25519-pkcs8.pem": pem(ed.privateKey, "pkcs8"),
      "rsa-spki.pem": pem(pubRsa.publicKey, "spki"),
      "rsa-pkcs1-public.pem": pem(pubRsa.publicKey, "pkcs1"),
      "ec-public.jwk.json": JSON.stringify(pubEc.publicKey.export({ format: "jwk" })),
      "cert.pem": certificatePem(),
    };
    for (const [name, text] of Object.entries(files)) world.write(name, text);
    for (const [key, label] of [
      [rsa, "rsa"],
      [rsaPss, "rsa-pss"],
      [p256, "p256"],
      [p384, "p384"],
      [p521, "p521"],
      [ed, "ed25519"],
      [envKey, "env"],
    ] as const)
      world.canary.addJwk(key.privateKey.export({ format: "jwk" }), label);

    // Two sets: one whose newest private key signs, one of public keys only (verification keys
    // of a partner), where nothing may sign.
    world.write(
      "keysets.yaml",
      specYaml({
        byo: [
          { source: "file:rsa-pkcs1.pem", alg: "RS256" },
          { source: "file:rsa-pss-pkcs8.pem", alg: "PS256" },
          { source: "file:p256-sec1.pem", alg: "ES256" },
          { source: "file:p384-sec1-params.pem", alg: "ES384" },
          { source: "file:p521.jwk.json", alg: "ES512" },
          { source: "file:ed25519-pkcs8.pem", alg: "EdDSA" },
          { source: "env:KEYSYNC_BYO_KEY", alg: "ES256" },
        ],
        partner: [
          { source: "file:rsa-spki.pem", alg: "RS256" },
          { source: "file:ec-public.jwk.json", alg: "ES256" },
          { source: "file:cert.pem", alg: "ES256" },
        ],
      }),
    );
    const env = { KEYSYNC_BYO_KEY: JSON.stringify(envKey.privateKey.export({ format: "jwk" })) };
    const applied = await world.keysync(["apply", "--auto-approve"], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Apply complete! Keys: 10 added, 0 changed, 0 destroyed.");

    const thumbprint = (key: KeyObject): Promise<string> =>
      calculateJwkThumbprint(key.export({ format: "jwk" }));
    const byoPublic = [rsa, rsaPss, p256, p384, p521, ed, envKey].map((k) => k.publicKey);
    const expectedByo = await Promise.all(byoPublic.map(thumbprint));
    const expectedPartner = [
      await thumbprint(pubRsa.publicKey),
      await thumbprint(pubEc.publicKey),
      await thumbprint(createPublicKey({ key: TEST_CERT_JWK as JWK, format: "jwk" })),
    ];

    // Written in spec order, so newest first reverses it; the last private key signs.
    expect(await world.liveKids("byo")).toEqual([...expectedByo].reverse());
    expect(await world.server.sign("byo")).toBe(expectedByo[expectedByo.length - 1]);
    const live = await world.server.keys("byo");
    for (const k of live) {
      expect(await calculateJwkThumbprint(k as JWK)).toBe(k.kid);
      expect(typeof k.d).toBe("string");
    }
    expect(live.map((k) => k.alg)).toEqual(["ES256", "EdDSA", "ES512", "ES384", "ES256", "PS256", "RS256"]);

    expect(await world.liveKids("partner")).toEqual([...expectedPartner].reverse());
    const partner = await world.server.keys("partner");
    // Nothing a public-only set holds could sign (test/hydra/facts.test.ts: Hydra never signs
    // with a public-only key).
    expect(partner.every((k) => k.d === undefined)).toBe(true);

    const state = world.state();
    expect(state.sets["partner"]?.keys.map((k) => k.has_private)).toEqual([false, false, false]);
    expect(state.sets["byo"]?.keys.every((k) => k.has_private && k.origin === "source")).toBe(true);
    await world.learnKeys("byo");

    const again = await world.keysync(["plan", "--detailed-exitcode"], { env });
    expect(again.stdout).toMatch(/No changes\./);
    expect(again.code).toBe(0);
  });
});
