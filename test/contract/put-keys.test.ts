import { describe, expect, it } from "vitest";
import { ecJwk, edJwk, octJwk, omit, rsaJwk, withoutPrivate } from "../support/test-jwks.js";
import {
  CONFLICT,
  KEY_NOT_FOUND,
  SET_NOT_FOUND,
  useContractTarget,
  expectHydraError,
  expectMalformed,
  expectSuccessJson,
  keysOf,
  kids,
} from "./contract-api.js";

// PUT /admin/keys/{set}/{kid} (§4.3) and PUT /admin/keys/{set} (§4.2), hydra-jwk-contract.md.
const contract = useContractTarget();

describe("PUT /admin/keys/{set}/{kid}", () => {
  it("answers 200 with the key, private members included, creating a missing set", async () => {
    const set = contract.target.newSet("put-key");
    const jwk = ecJwk("k1");
    const res = await contract.api.setKey(set, "k1", jwk);
    expectSuccessJson(res, 200);
    expect(res.json).toEqual(jwk);
    expect(keysOf(await contract.api.getSet(set))).toEqual([jwk]);
  });

  it("ignores the path kid and stores the key under the body kid", async () => {
    const set = contract.target.newSet("put-path-kid");
    expectSuccessJson(await contract.api.setKey(set, "path-kid", ecJwk("body-kid")), 200);
    expect((await contract.api.getKey(set, "body-kid")).status).toBe(200);
    expectHydraError(await contract.api.getKey(set, "path-kid"), 404, KEY_NOT_FOUND);
  });

  it("promotes a re-sent old key to newest (delete and re-insert)", async () => {
    const set = contract.target.newSet("put-promote");
    const old = ecJwk("old");
    await contract.api.setKey(set, "old", old);
    await contract.api.setKey(set, "new", ecJwk("new"));
    expect(kids(await contract.api.getSet(set))).toEqual(["new", "old"]);
    await contract.api.setKey(set, "old", old);
    expect(kids(await contract.api.getSet(set))).toEqual(["old", "new"]);
  });

  it("drops members go-jose does not know", async () => {
    const set = contract.target.newSet("put-unknown");
    const jwk = ecJwk("u");
    const res = await contract.api.setKey(set, "u", { ...jwk, key_ops: ["sign"], ext: true, x_custom: "1" });
    expect(res.json).toEqual(jwk);
    expect(keysOf(await contract.api.getKey(set, "u"))).toEqual([jwk]);
  });

  it("accepts public-only keys, oct keys, and an alg that does not fit the key", async () => {
    const set = contract.target.newSet("put-lenient");
    expectSuccessJson(await contract.api.setKey(set, "pub", ecJwk("pub", { publicOnly: true })), 200);
    expectSuccessJson(await contract.api.setKey(set, "oct", octJwk("oct")), 200);
    // Hydra's own jwk/sdk_test.go PUTs an RSA key with alg ES256 and expects 200.
    expectSuccessJson(await contract.api.setKey(set, "odd", rsaJwk("odd", { alg: "ES256" })), 200);
    expect(kids(await contract.api.getSet(set))).toEqual(["odd", "oct", "pub"]);
  });

  it("accepts a key without alg and omits the empty member", async () => {
    const set = contract.target.newSet("put-no-alg");
    const jwk = omit(edJwk("no-alg"), "alg");
    // jsonWebKey marks alg as required, but Hydra omits an empty one (§13.3).
    const res = await contract.api.setKey(set, "no-alg", jwk, {
      skipRequestSchema: true,
      skipResponseSchema: true,
    });
    expectSuccessJson(res, 200);
    expect(res.json).not.toHaveProperty("alg");
  });

  it("accepts an empty body kid; the key then has no kid member and only the set route reaches it", async () => {
    const set = contract.target.newSet("put-empty-kid");
    await contract.api.setKey(set, "keep", ecJwk("keep"));
    const res = await contract.api.setKey(set, "anything", ecJwk(""), { skipResponseSchema: true });
    expectSuccessJson(res, 200);
    expect(res.json).not.toHaveProperty("kid");
    expect(kids(await contract.api.getSet(set, { skipResponseSchema: true }))).toEqual([undefined, "keep"]);
    // There is no "key with kid ''" route: `GET …/{set}/` redirects to the set route.
    const slash = await contract.target.request("GET", `/admin/keys/${set}/`);
    expect([slash.status, slash.headers.get("location")]).toEqual([301, `/admin/keys/${set}`]);
  });

  it("answers 400 'malformed' for an empty body, invalid JSON, or a key without kty", async () => {
    const set = contract.target.newSet("put-key-400");
    const raw = (rawBody: string) =>
      contract.target.request("PUT", `/admin/keys/${set}/k`, {
        rawBody,
        headers: { "content-type": "application/json" },
      });
    expectMalformed(await raw(""));
    expectMalformed(await raw('{"kty":'));
    expectMalformed(await raw("[]"));
    const noKty = await contract.api.setKey(
      set,
      "k",
      { kid: "k", alg: "ES256", use: "sig" },
      { skipRequestSchema: true },
    );
    expectMalformed(noKty);
    expect((noKty.json as { error_description: string }).error_description).toContain(
      "unknown json web key type",
    );
    expect((await contract.api.getSet(set)).status).toBe(404);
  });
});

describe("PUT /admin/keys/{set}", () => {
  it("replaces the set in body order: the last key is the newest, absent keys are gone", async () => {
    const set = contract.target.newSet("put-set");
    await contract.api.setKey(set, "gone", ecJwk("gone"));
    const body = { keys: [ecJwk("a"), edJwk("b"), ecJwk("c", { publicOnly: true })] };
    const res = await contract.api.setKeySet(set, body);
    expectSuccessJson(res, 200);
    expect(res.json).toEqual(body);
    expect(kids(await contract.api.getSet(set))).toEqual(["c", "b", "a"]);
  });

  it("reverses the order when a GET answer is PUT back unchanged (§4.2 trap)", async () => {
    const set = contract.target.newSet("put-roundtrip");
    for (const kid of ["x", "y", "z"]) await contract.api.setKey(set, kid, ecJwk(kid));
    const read = await contract.api.getSet(set);
    expect(kids(read)).toEqual(["z", "y", "x"]);
    await contract.api.setKeySet(set, read.json);
    expect(kids(await contract.api.getSet(set))).toEqual(["x", "y", "z"]);
  });

  it("answers 409 for duplicate kids and leaves the set unchanged", async () => {
    const set = contract.target.newSet("put-set-409");
    await contract.api.setKey(set, "orig", ecJwk("orig"));
    const before = await contract.api.getSet(set);
    expectHydraError(await contract.api.setKeySet(set, { keys: [ecJwk("d"), edJwk("d")] }), 409, CONFLICT);
    expect((await contract.api.getSet(set)).json).toEqual(before.json);
  });

  it("answers 409 for several empty kids", async () => {
    const set = contract.target.newSet("put-set-409-empty");
    const res = await contract.api.setKeySet(
      set,
      { keys: [ecJwk(""), ecJwk("")] },
      { skipRequestSchema: true },
    );
    expectHydraError(res, 409, CONFLICT);
  });

  it("answers 400 when any key is invalid, and changes nothing", async () => {
    const set = contract.target.newSet("put-set-400");
    await contract.api.setKey(set, "orig", ecJwk("orig"));
    const before = await contract.api.getSet(set);
    const res = await contract.api.setKeySet(
      set,
      { keys: [ecJwk("fine"), { kid: "bad", kty: "nope" }] },
      { skipRequestSchema: true },
    );
    expectMalformed(res);
    expect((await contract.api.getSet(set)).json).toEqual(before.json);
  });

  it('empties the set with {"keys":[]}: it no longer exists', async () => {
    const set = contract.target.newSet("put-set-empty");
    await contract.api.setKey(set, "k", ecJwk("k"));
    const res = await contract.api.setKeySet(set, { keys: [] });
    expectSuccessJson(res, 200);
    expect(res.json).toEqual({ keys: [] });
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
  });

  it('empties the set with {} and echoes {"keys":null}', async () => {
    const set = contract.target.newSet("put-set-null");
    await contract.api.setKey(set, "k", ecJwk("k"));
    // jsonWebKeySet says keys is an array; Hydra echoes Go's nil slice as null.
    const res = await contract.api.setKeySet(set, {}, { skipResponseSchema: true });
    expectSuccessJson(res, 200);
    expect(res.json).toEqual({ keys: null });
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
  });

  it("echoes keys without private members when given public keys", async () => {
    const set = contract.target.newSet("put-set-public");
    const pub = withoutPrivate(rsaJwk("pub"));
    const res = await contract.api.setKeySet(set, { keys: [pub] });
    expect(keysOf(res)).toEqual([pub]);
  });
});
