import { describe, expect, it } from "vitest";
import { ecJwk, edJwk, octJwk, rsaJwk } from "../support/test-jwks.js";
import {
  KEY_NOT_FOUND,
  NO_CACHE,
  SET_NOT_FOUND,
  useContractTarget,
  expectHydraError,
  expectSuccessJson,
  keysOf,
  kids,
} from "./contract-api.js";

// GET (§4.4, §4.5), DELETE (§4.6, §4.7), private material (§9), headers (§2), hydra-jwk-contract.md.
const contract = useContractTarget();

describe("GET /admin/keys/{set}", () => {
  it("returns every key newest first, private members included", async () => {
    const set = contract.target.newSet("get-set");
    const written = [rsaJwk("r"), ecJwk("e"), edJwk("o"), octJwk("s")];
    for (const jwk of written) await contract.api.setKey(set, String(jwk["kid"]), jwk);
    const res = await contract.api.getSet(set);
    expectSuccessJson(res, 200);
    expect(keysOf(res)).toEqual([...written].reverse());
    for (const member of ["d", "p", "q", "dp", "dq", "qi"]) expect(keysOf(res)[3]).toHaveProperty(member);
    expect(keysOf(res)[0]).toHaveProperty("k");
  });

  it("answers 404 with the set body for a missing set, and does not create it", async () => {
    const set = contract.target.newSet("get-missing");
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
  });

  it("sends Hydra's no-cache header on every GET, success or error", async () => {
    const set = contract.target.newSet("get-headers");
    expect((await contract.api.getSet(set)).headers.get("cache-control")).toBe(NO_CACHE);
    await contract.api.setKey(set, "k", ecJwk("k"));
    expect((await contract.api.getSet(set)).headers.get("cache-control")).toBe(NO_CACHE);
    expect((await contract.api.getKey(set, "k")).headers.get("cache-control")).toBe(NO_CACHE);
  });

  it("has no status_code or request_id in error bodies", async () => {
    const res = await contract.api.getSet(contract.target.newSet("get-error-shape"));
    expect(Object.keys(res.json as object).sort()).toEqual(["error", "error_description"]);
  });
});

describe("GET /admin/keys/{set}/{kid}", () => {
  it("returns a set holding that one key", async () => {
    const set = contract.target.newSet("get-key");
    const jwk = ecJwk("one");
    await contract.api.setKey(set, "one", jwk);
    await contract.api.setKey(set, "two", ecJwk("two"));
    const res = await contract.api.getKey(set, "one");
    expectSuccessJson(res, 200);
    expect(res.json).toEqual({ keys: [jwk] });
  });

  it("answers 404 with the kid body for a missing kid, in an existing or a missing set", async () => {
    const set = contract.target.newSet("get-key-missing");
    expectHydraError(await contract.api.getKey(set, "nope"), 404, KEY_NOT_FOUND);
    await contract.api.setKey(set, "k", ecJwk("k"));
    expectHydraError(await contract.api.getKey(set, "nope"), 404, KEY_NOT_FOUND);
  });
});

describe("DELETE", () => {
  it("deletes one key with 204, and answers 204 again when it is gone", async () => {
    const set = contract.target.newSet("delete-key");
    await contract.api.setKey(set, "a", ecJwk("a"));
    await contract.api.setKey(set, "b", ecJwk("b"));
    for (let i = 0; i < 2; i++) {
      const res = await contract.api.deleteKey(set, "a");
      expect(res.status).toBe(204);
      expect(res.text).toBe("");
    }
    expect(kids(await contract.api.getSet(set))).toEqual(["b"]);
  });

  it("makes the set absent when its last key is deleted", async () => {
    const set = contract.target.newSet("delete-last");
    await contract.api.setKey(set, "only", ecJwk("only"));
    expect((await contract.api.deleteKey(set, "only")).status).toBe(204);
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
  });

  it("deletes a whole set with 204, twice, and a set that never existed too", async () => {
    const set = contract.target.newSet("delete-set");
    await contract.api.setKey(set, "k", ecJwk("k"));
    expect((await contract.api.deleteSet(set)).status).toBe(204);
    expect((await contract.api.deleteSet(set)).status).toBe(204);
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
    expect((await contract.api.deleteSet(contract.target.newSet("never"))).status).toBe(204);
  });

  it("redirects DELETE …/{set}/ (an empty kid) to the set route: only a client that follows deletes the set", async () => {
    const set = contract.target.newSet("delete-empty-kid");
    await contract.api.setKey(set, "a", ecJwk("a"));
    await contract.api.setKey(set, "b", ecJwk("b"));
    const manual = await contract.target.request("DELETE", `/admin/keys/${set}/`);
    expect([manual.status, manual.headers.get("location")]).toEqual([307, `/admin/keys/${set}`]);
    expect(kids(await contract.api.getSet(set))).toEqual(["b", "a"]);
    const followed = await contract.target.request("DELETE", `/admin/keys/${set}/`, { redirect: "follow" });
    expect(followed.status).toBe(204);
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
  });
});
