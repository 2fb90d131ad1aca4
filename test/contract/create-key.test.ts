import { describe, expect, it } from "vitest";
import {
  CONFLICT,
  UNSUPPORTED_ALGORITHM,
  useContractTarget,
  expectHydraError,
  expectMalformed,
  expectSuccessJson,
  keysOf,
  kids,
} from "./contract-api.js";

// POST /admin/keys/{set}: hydra-jwk-contract.md §4.1, §3.2.
const contract = useContractTarget();

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("POST /admin/keys/{set}", () => {
  it("answers 201 with only the new key, private members included, and a Location", async () => {
    const set = contract.target.newSet("post-basic");
    await contract.api.createKey(set, { alg: "ES256", kid: "first", use: "sig" });
    const res = await contract.api.createKey(set, { alg: "ES256", kid: "second", use: "sig" });
    expectSuccessJson(res, 201);
    const keys = keysOf(res);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kid: "second", alg: "ES256", use: "sig", kty: "EC", crv: "P-256" });
    expect(typeof keys[0]?.["d"]).toBe("string");
    expect(res.headers.get("location")).toMatch(new RegExp(`/keys/${set}$`));
  });

  it("keeps existing keys and makes the new key the newest", async () => {
    const set = contract.target.newSet("post-order");
    for (const kid of ["a", "b", "c"]) await contract.api.createKey(set, { alg: "ES256", kid, use: "sig" });
    expect(kids(await contract.api.getSet(set))).toEqual(["c", "b", "a"]);
  });

  it("answers 409 for a kid that exists, and changes nothing", async () => {
    const set = contract.target.newSet("post-409");
    await contract.api.createKey(set, { alg: "ES256", kid: "dup", use: "sig" });
    const before = await contract.api.getSet(set);
    expectHydraError(
      await contract.api.createKey(set, { alg: "EdDSA", kid: "dup", use: "sig" }),
      409,
      CONFLICT,
    );
    expect((await contract.api.getSet(set)).json).toEqual(before.json);
  });

  it.each(["HS256", "HS512", "", "RSA-OAEP", "none"])(
    "refuses alg %j with 400 Unsupported key algorithm",
    async (alg) => {
      const set = contract.target.newSet("post-400");
      expectHydraError(
        await contract.api.createKey(set, { alg, kid: "k", use: "sig" }),
        400,
        UNSUPPORTED_ALGORITHM,
      );
      expect((await contract.api.getSet(set)).status).toBe(404);
    },
  );

  it("checks the alg before the kid: an unsupported alg with an existing kid is 400, not 409", async () => {
    const set = contract.target.newSet("post-alg-first");
    await contract.api.createKey(set, { alg: "ES256", kid: "taken", use: "sig" });
    expectHydraError(
      await contract.api.createKey(set, { alg: "HS256", kid: "taken", use: "sig" }),
      400,
      UNSUPPORTED_ALGORITHM,
    );
  });

  it("gives an empty kid a random UUIDv4 and an empty use 'sig'", async () => {
    const set = contract.target.newSet("post-defaults");
    const res = await contract.api.createKey(set, { alg: "ES256", kid: "", use: "" });
    expectSuccessJson(res, 201);
    const key = keysOf(res)[0];
    expect(key?.["kid"]).toMatch(UUID_V4);
    expect(key?.["use"]).toBe("sig");
  });

  it("stores any other use verbatim", async () => {
    const set = contract.target.newSet("post-use");
    const res = await contract.api.createKey(set, { alg: "ES256", kid: "e", use: "enc" });
    expect(keysOf(res)[0]?.["use"]).toBe("enc");
  });

  it.each([
    ["RS256", { kty: "RSA" }],
    ["PS256", { kty: "RSA" }],
    ["ES256", { kty: "EC", crv: "P-256" }],
    ["ES384", { kty: "EC", crv: "P-384" }],
    ["ES512", { kty: "EC", crv: "P-521" }],
    ["EdDSA", { kty: "OKP", crv: "Ed25519" }],
  ])("generates %s as %j", async (alg, shape) => {
    const set = contract.target.newSet(`post-${alg.toLowerCase()}`);
    const res = await contract.api.createKey(set, { alg, kid: alg, use: "sig" });
    expectSuccessJson(res, 201);
    const key = keysOf(res)[0] ?? {};
    expect(key).toMatchObject({ ...shape, alg, kid: alg, use: "sig" });
    expect(typeof key["d"]).toBe("string");
    if (alg === "PS256") expect(Buffer.from(String(key["n"]), "base64url").length * 8).toBe(2048);
    if (alg === "RS256")
      expect(Buffer.from(String(key["n"]), "base64url").length * 8).toBeGreaterThanOrEqual(2048);
  });

  it("answers 400 'malformed' for a body that is not JSON", async () => {
    const set = contract.target.newSet("post-malformed");
    const res = await contract.target.request("POST", `/admin/keys/${set}`, {
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expectMalformed(res);
  });
});
