import { afterAll, beforeAll, describe, expect } from "vitest";
import { openOryTarget } from "../support/ory-target.js";
import type { OryTarget } from "../support/ory-target.js";
import { ecJwk, edJwk, octJwk } from "../support/test-jwks.js";
import { client, itEmbedded, keysOf } from "./contract-api.js";
import type { Client } from "./contract-api.js";

/*
 * Which key signs (hydra-jwk-contract.md §7, §8): the first key in GET order with private
 * material, `use` and `alg` ignored; a set that is missing or has no private key gets a random
 * RS256 key first. Hydra's admin API does not reveal the signer, so these checks use the
 * embedded server's `sign()` and are skipped against a real Ory; there, the GET-order checks in
 * put-keys.test.ts and create-key.test.ts are the observable part of the same rule.
 */
let target: OryTarget;
let api: Client;
let sign: (set: string) => Promise<string>;
beforeAll(async () => {
  target = await openOryTarget();
  api = client(target);
  sign = (set) => {
    if (target.server === null) throw new Error("embedded only");
    return target.server.sign(set);
  };
});
afterAll(() => target.close());

describe("the signing key (embedded server only)", () => {
  itEmbedded("is the key a POST just generated", async () => {
    const set = target.newSet("sign-post");
    await api.setKey(set, "old", ecJwk("old"));
    await api.createKey(set, { alg: "ES256", kid: "fresh", use: "sig" });
    expect(await sign(set)).toBe("fresh");
  });

  itEmbedded("becomes an old key again when that key is PUT (promotion)", async () => {
    const set = target.newSet("sign-promote");
    const old = ecJwk("old");
    await api.setKey(set, "old", old);
    await api.setKey(set, "new", ecJwk("new"));
    expect(await sign(set)).toBe("new");
    await api.setKey(set, "old", old);
    expect(await sign(set)).toBe("old");
  });

  itEmbedded("skips public-only keys, and ignores use", async () => {
    const set = target.newSet("sign-skip-public");
    await api.setKey(set, "enc", ecJwk("enc", { use: "enc" }));
    await api.setKey(set, "pub", edJwk("pub", { publicOnly: true }));
    expect(await sign(set)).toBe("enc");
  });

  itEmbedded("can be an oct key (Hydra counts it as private)", async () => {
    const set = target.newSet("sign-oct");
    await api.setKey(set, "ec", ecJwk("ec"));
    await api.setKey(set, "hmac", octJwk("hmac"));
    expect(await sign(set)).toBe("hmac");
  });

  itEmbedded("is the last private key of a whole-set PUT", async () => {
    const set = target.newSet("sign-put-set");
    await api.setKeySet(set, { keys: [ecJwk("a"), ecJwk("b"), ecJwk("c", { publicOnly: true })] });
    expect(await sign(set)).toBe("b");
  });

  itEmbedded("is generated (random RS256) when the set is missing", async () => {
    const set = target.newSet("sign-missing");
    const kid = await sign(set);
    expect(keysOf(await api.getSet(set))).toEqual([
      expect.objectContaining({ kid, kty: "RSA", alg: "RS256", use: "sig" }),
    ]);
    expect(await sign(set)).toBe(kid);
  });

  itEmbedded("is generated when the set has only public keys, which stay", async () => {
    const set = target.newSet("sign-public-only");
    await api.setKey(set, "pub", ecJwk("pub", { publicOnly: true }));
    const kid = await sign(set);
    expect(kid).not.toBe("pub");
    expect(keysOf(await api.getSet(set)).map((k) => k["kid"])).toEqual([kid, "pub"]);
  });
});
