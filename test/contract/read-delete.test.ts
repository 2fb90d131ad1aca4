import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openOryTarget } from "../support/ory-target.js";
import type { OryTarget } from "../support/ory-target.js";
import { ecJwk, edJwk, octJwk, rsaJwk } from "../support/test-jwks.js";
import {
  KEY_NOT_FOUND,
  NO_CACHE,
  SET_NOT_FOUND,
  client,
  expectHydraError,
  expectSuccessJson,
  keysOf,
  kids,
} from "./contract-api.js";
import type { Client } from "./contract-api.js";

// GET (§4.4, §4.5), DELETE (§4.6, §4.7), private material (§9), headers (§2), hydra-jwk-contract.md.
let target: OryTarget;
let api: Client;
beforeAll(async () => {
  target = await openOryTarget();
  api = client(target);
});
afterAll(() => target.close());

describe("GET /admin/keys/{set}", () => {
  it("returns every key newest first, private members included", async () => {
    const set = target.newSet("get-set");
    const written = [rsaJwk("r"), ecJwk("e"), edJwk("o"), octJwk("s")];
    for (const jwk of written) await api.setKey(set, String(jwk["kid"]), jwk);
    const res = await api.getSet(set);
    expectSuccessJson(res, 200);
    expect(keysOf(res)).toEqual([...written].reverse());
    for (const member of ["d", "p", "q", "dp", "dq", "qi"]) expect(keysOf(res)[3]).toHaveProperty(member);
    expect(keysOf(res)[0]).toHaveProperty("k");
  });

  it("answers 404 with the set body for a missing set, and does not create it", async () => {
    const set = target.newSet("get-missing");
    expectHydraError(await api.getSet(set), 404, SET_NOT_FOUND);
    expectHydraError(await api.getSet(set), 404, SET_NOT_FOUND);
  });

  it("sends Hydra's no-cache header on every GET, success or error", async () => {
    const set = target.newSet("get-headers");
    expect((await api.getSet(set)).headers.get("cache-control")).toBe(NO_CACHE);
    await api.setKey(set, "k", ecJwk("k"));
    expect((await api.getSet(set)).headers.get("cache-control")).toBe(NO_CACHE);
    expect((await api.getKey(set, "k")).headers.get("cache-control")).toBe(NO_CACHE);
  });

  it("has no status_code or request_id in error bodies", async () => {
    const res = await api.getSet(target.newSet("get-error-shape"));
    expect(Object.keys(res.json as object).sort()).toEqual(["error", "error_description"]);
  });
});

describe("GET /admin/keys/{set}/{kid}", () => {
  it("returns a set holding that one key", async () => {
    const set = target.newSet("get-key");
    const jwk = ecJwk("one");
    await api.setKey(set, "one", jwk);
    await api.setKey(set, "two", ecJwk("two"));
    const res = await api.getKey(set, "one");
    expectSuccessJson(res, 200);
    expect(res.json).toEqual({ keys: [jwk] });
  });

  it("answers 404 with the kid body for a missing kid, in an existing or a missing set", async () => {
    const set = target.newSet("get-key-missing");
    expectHydraError(await api.getKey(set, "nope"), 404, KEY_NOT_FOUND);
    await api.setKey(set, "k", ecJwk("k"));
    expectHydraError(await api.getKey(set, "nope"), 404, KEY_NOT_FOUND);
  });
});

describe("DELETE", () => {
  it("deletes one key with 204, and answers 204 again when it is gone", async () => {
    const set = target.newSet("delete-key");
    await api.setKey(set, "a", ecJwk("a"));
    await api.setKey(set, "b", ecJwk("b"));
    for (let i = 0; i < 2; i++) {
      const res = await api.deleteKey(set, "a");
      expect(res.status).toBe(204);
      expect(res.text).toBe("");
    }
    expect(kids(await api.getSet(set))).toEqual(["b"]);
  });

  it("makes the set absent when its last key is deleted", async () => {
    const set = target.newSet("delete-last");
    await api.setKey(set, "only", ecJwk("only"));
    expect((await api.deleteKey(set, "only")).status).toBe(204);
    expectHydraError(await api.getSet(set), 404, SET_NOT_FOUND);
  });

  it("deletes a whole set with 204, twice, and a set that never existed too", async () => {
    const set = target.newSet("delete-set");
    await api.setKey(set, "k", ecJwk("k"));
    expect((await api.deleteSet(set)).status).toBe(204);
    expect((await api.deleteSet(set)).status).toBe(204);
    expectHydraError(await api.getSet(set), 404, SET_NOT_FOUND);
    expect((await api.deleteSet(target.newSet("never"))).status).toBe(204);
  });

  it("deletes the whole set when the kid is empty: DELETE …/{set}/ is the set route (§0.5, §13.4)", async () => {
    const set = target.newSet("delete-empty-kid");
    await api.setKey(set, "a", ecJwk("a"));
    await api.setKey(set, "b", ecJwk("b"));
    expect((await target.request("DELETE", `/admin/keys/${set}/`)).status).toBe(204);
    expectHydraError(await api.getSet(set), 404, SET_NOT_FOUND);
  });
});
