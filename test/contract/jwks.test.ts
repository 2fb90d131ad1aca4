import { describe, expect, it } from "vitest";
import { ACCESS_TOKEN_SET, EMBEDDED_BROADCAST_SET, ID_TOKEN_SET } from "../support/ory-target.js";
import { ecJwk, octJwk, withoutPrivate } from "../support/test-jwks.js";
import {
  NO_CACHE,
  SET_NOT_FOUND,
  UNRECOGNIZABLE,
  useContractTarget,
  expectHydraError,
  expectSuccessJson,
  itOwnServer,
  itReserved,
  keysOf,
} from "./contract-api.js";
import type { Keys } from "./contract-api.js";

// GET /.well-known/jwks.json: hydra-jwk-contract.md §4.8, §8 (reserved sets), §9 (public only).
const contract = useContractTarget();

const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True when `part` occurs in `all` as one contiguous run, in order. */
function containsRun(all: Keys, part: Keys): boolean {
  const text = (ks: Keys) => ks.map((k) => JSON.stringify(Object.entries(k).sort()));
  const a = text(all);
  const p = text(part);
  return a.some((_, i) => p.every((k, j) => a[i + j] === k));
}

describe("GET /.well-known/jwks.json", () => {
  it("publishes public parts only, with Hydra's success and no-cache headers", async () => {
    const res = await contract.api.jwks();
    expectSuccessJson(res, 200);
    expect(res.headers.get("cache-control")).toBe(NO_CACHE);
    const keys = keysOf(res);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      for (const member of PRIVATE) expect(key).not.toHaveProperty(member);
      expect(["RSA", "EC", "OKP"]).toContain(key["kty"]);
    }
  });

  it("always publishes both reserved sets, set by set and newest first; afterwards both exist", async () => {
    const keys = keysOf(await contract.api.jwks());
    for (const set of [ID_TOKEN_SET, ACCESS_TOKEN_SET]) {
      const admin = await contract.api.getSet(set);
      expect(admin.status).toBe(200);
      expect(containsRun(keys, keysOf(admin).map(withoutPrivate))).toBe(true);
    }
  });

  itReserved("regenerates deleted reserved sets with one random-UUID RS256 'sig' key each", async () => {
    for (const set of [ID_TOKEN_SET, ACCESS_TOKEN_SET])
      expect((await contract.api.deleteSet(set)).status).toBe(204);
    // An admin GET never generates (§4.4).
    expectHydraError(await contract.api.getSet(ID_TOKEN_SET), 404, SET_NOT_FOUND);
    expectSuccessJson(await contract.api.jwks(), 200);
    for (const set of [ID_TOKEN_SET, ACCESS_TOKEN_SET]) {
      const keys = keysOf(await contract.api.getSet(set));
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
      expect(keys[0]?.["kid"]).toMatch(UUID_V4);
    }
  });

  itOwnServer("creates a missing custom broadcast set, but leaves a public-only one as it is", async () => {
    await contract.api.deleteSet(EMBEDDED_BROADCAST_SET);
    await contract.api.jwks();
    expect(keysOf(await contract.api.getSet(EMBEDDED_BROADCAST_SET))).toHaveLength(1);

    const pub = ecJwk("published-only", { publicOnly: true });
    await contract.api.setKeySet(EMBEDDED_BROADCAST_SET, { keys: [pub] });
    const keys = keysOf(await contract.api.jwks());
    expect(keys).toContainEqual(pub);
    expect(keysOf(await contract.api.getSet(EMBEDDED_BROADCAST_SET))).toEqual([pub]);
  });

  itReserved("answers 500 while any broadcast set holds an oct key", async () => {
    const kid = `keysync-contract-oct-${Date.now().toString(36)}`;
    try {
      expectSuccessJson(await contract.api.setKey(ID_TOKEN_SET, kid, octJwk(kid)), 200);
      expectHydraError(await contract.api.jwks(), 500, UNRECOGNIZABLE);
    } finally {
      // Removing it makes the previous newest private key the signer again.
      expect((await contract.api.deleteKey(ID_TOKEN_SET, kid)).status).toBe(204);
    }
    expectSuccessJson(await contract.api.jwks(), 200);
  });

  it("is public: it needs no token", async () => {
    const res = await contract.target.request("GET", "/.well-known/jwks.json", {
      headers: { authorization: "" },
    });
    expect(res.status).toBe(200);
  });
});
