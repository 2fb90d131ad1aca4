import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeProtectedHeader } from "jose";
import { accessTokens, kidOf } from "../support/hydra-oauth.js";
import { ACCESS_TOKEN_SET, openOryTarget } from "../support/ory-target.js";
import type { OryTarget } from "../support/ory-target.js";
import { ecJwk, edJwk, octJwk } from "../support/test-jwks.js";
import { client, keysOf } from "./contract-api.js";
import type { Client } from "./contract-api.js";

/*
 * Which key signs (hydra-jwk-contract.md §7, §8): the first key in GET order with private
 * material, `use` and `alg` ignored; a set that is missing or has no private key gets a random
 * RS256 key first. Hydra's admin API does not reveal the signer. On the embedded server these
 * checks ask its `sign()`; on the test project's own Hydra they run in `hydra.jwt.access-token`
 * (emptied before each check) and read the signer off a real client-credentials access token
 * Hydra issued (JWT strategy). Against your own Ory (KEYSYNC_IT_ORY_URL) they are skipped: the
 * GET-order checks in put-keys.test.ts and create-key.test.ts are the observable part there.
 */
let target: OryTarget;
let api: Client;
let sign: (set: string) => Promise<string>;
/** The `alg` of the last token minted on Hydra. */
let lastAlg: string | undefined;
beforeAll(async () => {
  target = await openOryTarget();
  api = client(target);
  const { server, hydra } = target;
  if (server !== null) {
    sign = (set) => server.sign(set);
  } else if (hydra !== null) {
    const mint = await accessTokens(hydra);
    sign = async (set) => {
      if (set !== ACCESS_TOKEN_SET) throw new Error("on Hydra only the access-token set signs tokens here");
      const token = await mint();
      lastAlg = decodeProtectedHeader(token).alg;
      return kidOf(token);
    };
  }
});
afterAll(() => target.close());

/** A set to sign from: a fresh one on the embedded server, the emptied access-token set on Hydra. */
async function signingSet(label: string): Promise<string> {
  if (target.hydra === null) return target.newSet(label);
  expect((await api.deleteSet(ACCESS_TOKEN_SET)).status).toBe(204);
  return ACCESS_TOKEN_SET;
}

const itSigns = it.skipIf((process.env["KEYSYNC_IT_ORY_URL"] ?? "") !== "");

describe("the signing key", () => {
  itSigns("is the key a POST just generated", async () => {
    const set = await signingSet("sign-post");
    await api.setKey(set, "old", ecJwk("old"));
    await api.createKey(set, { alg: "ES256", kid: "fresh", use: "sig" });
    expect(await sign(set)).toBe("fresh");
  });

  itSigns("becomes an old key again when that key is PUT (promotion)", async () => {
    const set = await signingSet("sign-promote");
    const old = ecJwk("old");
    await api.setKey(set, "old", old);
    await api.setKey(set, "new", ecJwk("new"));
    expect(await sign(set)).toBe("new");
    await api.setKey(set, "old", old);
    expect(await sign(set)).toBe("old");
  });

  itSigns("skips public-only keys, and ignores use", async () => {
    const set = await signingSet("sign-skip-public");
    await api.setKey(set, "enc", ecJwk("enc", { use: "enc" }));
    await api.setKey(set, "pub", edJwk("pub", { publicOnly: true }));
    expect(await sign(set)).toBe("enc");
  });

  itSigns("can be an oct key (Hydra counts it as private)", async () => {
    const set = await signingSet("sign-oct");
    await api.setKey(set, "ec", ecJwk("ec"));
    await api.setKey(set, "hmac", octJwk("hmac"));
    // Real Hydra v2.3.0 signs with it (HS256, with the shared secret) but writes an empty `kid`
    // into the token's header; the embedded sign() names the key (docs/serve.md, differences).
    expect(await sign(set)).toBe(target.hydra === null ? "hmac" : "");
    if (target.hydra !== null) expect(lastAlg).toBe("HS256");
  });

  itSigns("is the last private key of a whole-set PUT", async () => {
    const set = await signingSet("sign-put-set");
    await api.setKeySet(set, { keys: [ecJwk("a"), ecJwk("b"), ecJwk("c", { publicOnly: true })] });
    expect(await sign(set)).toBe("b");
  });

  itSigns("is generated (random RS256) when the set is missing", async () => {
    const set = await signingSet("sign-missing");
    const kid = await sign(set);
    expect(keysOf(await api.getSet(set))).toEqual([
      expect.objectContaining({ kid, kty: "RSA", alg: "RS256", use: "sig" }),
    ]);
    expect(await sign(set)).toBe(kid);
  });

  itSigns("is generated when the set has only public keys, which stay", async () => {
    const set = await signingSet("sign-public-only");
    await api.setKey(set, "pub", ecJwk("pub", { publicOnly: true }));
    const kid = await sign(set);
    expect(kid).not.toBe("pub");
    expect(keysOf(await api.getSet(set)).map((k) => k["kid"])).toEqual([kid, "pub"]);
  });
});
