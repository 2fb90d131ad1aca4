import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OryError } from "../../../src/errors.js";
import type { Jwk } from "../../../src/jwk/jwk.js";
import { startOryBackend } from "../../support/ory-backend.js";
import type { OryBackend } from "../../support/ory-backend.js";
import { ecJwk, edJwk, octJwk, rsaJwk } from "../../support/test-jwks.js";
import { expectBodiesMatchOpenApi, oryError, testStore } from "./ory-kit.js";

// What the adapter puts on the wire: Ory's OpenAPI schemas, the contract's rules (§3), and the
// requests it refuses to send at all.
let server: OryBackend;
beforeAll(async () => {
  server = await startOryBackend();
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRequests();
});

describe("request bodies", () => {
  it("POST sends exactly {alg, kid, use}, valid against createJsonWebKeySet", async () => {
    const { store } = testStore(server.url);
    for (const alg of ["ES256", "ES384", "ES512", "EdDSA", "PS256", "RS256"]) {
      const key = await store.generateKey("wire-post", { kid: `g-${alg}`, alg, use: "sig" });
      expect(key).toMatchObject({ kid: `g-${alg}`, alg, use: "sig", hasPrivate: true });
    }
    expect(server.requests.map((r) => r.body)).toContainEqual({ alg: "EdDSA", kid: "g-EdDSA", use: "sig" });
    expect(expectBodiesMatchOpenApi(server.requests)).toBe(6);
  });

  it("PUT sends kty, kid, alg and use with the body kid equal to the path kid, and no extra members", async () => {
    const { store } = testStore(server.url);
    const keys: Jwk[] = [
      rsaJwk("p-rsa"),
      { ...ecJwk("p-ec", { use: "enc", alg: "ECDH-ES" }), key_ops: ["deriveKey"], ext: true },
      edJwk("p-ed", { publicOnly: true }),
      octJwk("p-oct"),
      { ...rsaJwk("p-oth"), oth: [{ r: "AQAB" }], x5u: "https://example.com" },
    ] as Jwk[];
    for (const jwk of keys) {
      const kid = jwk.kid ?? "";
      const live = await store.putKey("wire-put", kid, jwk);
      expect(live).toMatchObject({ kid, kty: jwk.kty, alg: jwk.alg, use: jwk.use });
    }
    const puts = server.requests.filter((r) => r.operation === "setJsonWebKey");
    expect(puts.map((r) => [r.kid, (r.body as { kid: string }).kid])).toEqual(
      keys.map((k) => [k.kid, k.kid]),
    );
    expect(expectBodiesMatchOpenApi(server.requests)).toBe(keys.length);
    // The echo, not the request, is what the facts come from: the public-only key stays public.
    const set = await store.readSet("wire-put");
    expect(set.exists && set.keys.find((k) => k.kid === "p-ed")?.hasPrivate).toBe(false);
  });

  it("sends one DELETE per key and one per set", async () => {
    const { store } = testStore(server.url);
    await store.putKey("wire-del", "a", ecJwk("a"));
    await store.deleteKey("wire-del", "a");
    await store.deleteKey("wire-del", "a");
    await store.deleteSet("wire-del");
    expect(server.requests.map((r) => `${r.method} ${r.path} ${String(r.status)}`)).toEqual([
      "PUT /admin/keys/wire-del/a 200",
      "DELETE /admin/keys/wire-del/a 204",
      "DELETE /admin/keys/wire-del/a 204",
      "DELETE /admin/keys/wire-del 204",
    ]);
  });
});

function withoutMember(jwk: Record<string, unknown>, member: string): Jwk {
  return Object.fromEntries(Object.entries(jwk).filter(([m]) => m !== member)) as unknown as Jwk;
}

describe("refused before sending", () => {
  const refusals: readonly [string, (s: ReturnType<typeof testStore>["store"]) => Promise<unknown>][] = [
    ["DELETE with an empty kid (would delete the whole set)", (s) => s.deleteKey("set", "")],
    ["DELETE with a '.' kid", (s) => s.deleteKey("set", ".")],
    ["DELETE with a '..' kid", (s) => s.deleteKey("set", "..")],
    ["DELETE with a kid holding '/'", (s) => s.deleteKey("set", "a/b")],
    ["DELETE of a set with an unsafe ID", (s) => s.deleteSet("../etc")],
    ["GET of a key with an empty kid", (s) => s.readKey("set", "")],
    ["GET of a set with a space", (s) => s.readSet("my set")],
    [
      "POST with an empty kid (Ory would invent one)",
      (s) => s.generateKey("set", { kid: "", alg: "ES256", use: "sig" }),
    ],
    ["POST with an unsafe kid", (s) => s.generateKey("set", { kid: "__proto__", alg: "ES256", use: "sig" })],
    ["POST without use", (s) => s.generateKey("set", { kid: "k", alg: "ES256", use: "" })],
    ["PUT whose body kid differs from the path", (s) => s.putKey("set", "k", ecJwk("other"))],
    ["PUT without alg", (s) => s.putKey("set", "k", withoutMember(ecJwk("k"), "alg"))],
    ["PUT without use", (s) => s.putKey("set", "k", { ...ecJwk("k"), use: "" })],
    ["PUT with a kid longer than 255", (s) => s.putKey("set", "k".repeat(256), ecJwk("k".repeat(256)))],
  ];

  it.each(refusals)("%s", async (_what, run) => {
    const { store } = testStore(server.url);
    const error = await oryError(run(store), "rejected");
    expect(error).toBeInstanceOf(OryError);
    expect(error.status).toBeNull();
    expect(error.message).toMatch(/^keysync refused to send /);
    expect(error.message).not.toContain("a/b");
    expect(server.requests).toEqual([]);
  });
});
