import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { publicPart } from "../../src/jwk/jwk.js";
import type { Jwk } from "../../src/jwk/jwk.js";
import { startHydra } from "../../scripts/hydra.mjs";
import type { HydraProcess } from "../../scripts/hydra.mjs";
import { OAUTH_HYDRA_ENV, accessTokens, idTokens, kidOf } from "../support/hydra-oauth.js";

// The facts about Hydra that keysync's design rests on (design/contract.md §5, §10, §11;
// research/rotation.md), checked on real Hydra v2.3.0 with tokens it actually issued: which key
// signs is read off the token's header, and the token is verified against the published JWKS.
// Real Hydra only: this file is in the "hydra" test project alone.

const ACCESS = "hydra.jwt.access-token";
const ID = "hydra.openid.id-token";

let hydra: HydraProcess;
let accessToken: () => Promise<string>;
let idToken: () => Promise<string>;

beforeAll(async () => {
  hydra = await startHydra({ env: OAUTH_HYDRA_ENV });
  accessToken = await accessTokens(hydra);
  idToken = await idTokens(hydra);
});
afterAll(() => hydra.stop());

function rsaJwk(kid: string): Jwk {
  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  return { ...jwk, kty: "RSA", kid, alg: "RS256", use: "sig" };
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${hydra.adminUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
}

async function put(set: string, jwk: Jwk): Promise<void> {
  const res = await admin("PUT", `/admin/keys/${set}/${jwk.kid ?? ""}`, jwk);
  expect(res.status).toBe(200);
}

async function live(set: string): Promise<Jwk[]> {
  const res = await admin("GET", `/admin/keys/${set}`);
  if (res.status === 404) return [];
  return ((await res.json()) as { keys: Jwk[] }).keys;
}

/** A token verifies against the JWKS that discovery names, and its kid is returned. */
async function verifiedKid(jwt: string): Promise<string> {
  const discovery = (await (await fetch(`${hydra.publicUrl}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  expect(discovery.jwks_uri).toBe(`${hydra.publicUrl}/.well-known/jwks.json`);
  await jwtVerify(jwt, createRemoteJWKSet(new URL(discovery.jwks_uri)));
  return kidOf(jwt);
}

describe("Hydra v2.3.0 signs", () => {
  it("access tokens with the newest key that has private material", async () => {
    const a = rsaJwk("fact-a");
    const b = rsaJwk("fact-b");
    await put(ACCESS, a);
    await put(ACCESS, b);
    expect((await live(ACCESS)).slice(0, 2).map((k) => k.kid)).toEqual(["fact-b", "fact-a"]);
    expect(await verifiedKid(await accessToken())).toBe("fact-b");
  });

  it("with a re-PUT key at once: a PUT of an existing kid, same material, makes it the newest", async () => {
    const before = (await live(ACCESS)).find((k) => k.kid === "fact-a");
    if (before === undefined) throw new Error("fact-a is not live");
    await put(ACCESS, before);
    expect((await live(ACCESS))[0]?.kid).toBe("fact-a");
    expect(await verifiedKid(await accessToken())).toBe("fact-a");
  });

  it("never with a public-only key, even the newest one", async () => {
    await put(ACCESS, publicPart(rsaJwk("fact-public")));
    expect((await live(ACCESS))[0]?.kid).toBe("fact-public");
    expect(await verifiedKid(await accessToken())).toBe("fact-a");
  });

  it("id tokens with the newest private key of the id-token set", async () => {
    await put(ID, rsaJwk("fact-id-1"));
    await put(ID, rsaJwk("fact-id-2"));
    expect(await verifiedKid(await idToken())).toBe("fact-id-2");
    await put(ID, publicPart(rsaJwk("fact-id-public")));
    expect(await verifiedKid(await idToken())).toBe("fact-id-2");
  });
});

describe("Hydra v2.3.0 regenerates a reserved set", () => {
  it("when it was deleted: the next token is signed by a new random-UUID RS256 key of 4096 bits", async () => {
    expect((await admin("DELETE", `/admin/keys/${ACCESS}`)).status).toBe(204);
    expect(await live(ACCESS)).toEqual([]);
    const kid = await verifiedKid(await accessToken());
    const keys = await live(ACCESS);
    expect(keys.map((k) => k.kid)).toEqual([kid]);
    expect(kid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [key] = keys;
    if (key === undefined) throw new Error("no key was generated");
    expect([key.kty, key.alg, key.use, typeof key.d]).toEqual(["RSA", "RS256", "sig", "string"]);
    expect(Buffer.from(String(key.n), "base64url").length * 8).toBe(4096);
  });

  it("when it holds only public keys: a new private key is added and signs, the public ones stay", async () => {
    expect((await admin("DELETE", `/admin/keys/${ACCESS}`)).status).toBe(204);
    await put(ACCESS, publicPart(rsaJwk("fact-only-public")));
    const kid = await verifiedKid(await accessToken());
    expect(kid).not.toBe("fact-only-public");
    const keys = await live(ACCESS);
    expect(keys.map((k) => k.kid)).toEqual([kid, "fact-only-public"]);
  });

  it("when it was deleted, on the next JWKS read too (both reserved sets are published)", async () => {
    expect((await admin("DELETE", `/admin/keys/${ID}`)).status).toBe(204);
    const jwks = (await (await fetch(`${hydra.publicUrl}/.well-known/jwks.json`)).json()) as { keys: Jwk[] };
    const regenerated = await live(ID);
    expect(regenerated).toHaveLength(1);
    expect(jwks.keys.map((k) => k.kid)).toContain(regenerated[0]?.kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });
});
