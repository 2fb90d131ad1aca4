import { describe, expect, it } from "vitest";
import {
  assertMatchesSchema,
  requestSchemaOf,
  responseSchemaOf,
  schemaErrors,
  schemaNames,
} from "../support/openapi.js";
import { ecJwk, omit } from "../support/test-jwks.js";

// The OpenAPI helper the contract suite (and keysync's own request checks) rely on.
describe("test/support/openapi.ts", () => {
  it("knows the JWK schemas of Hydra's spec and which operation uses which", () => {
    expect(schemaNames()).toEqual(
      expect.arrayContaining(["jsonWebKey", "jsonWebKeySet", "createJsonWebKeySet", "errorOAuth2"]),
    );
    expect(requestSchemaOf("setJsonWebKey")).toBe("jsonWebKey");
    expect(requestSchemaOf("setJsonWebKeySet")).toBe("jsonWebKeySet");
    expect(requestSchemaOf("createJsonWebKeySet")).toBe("createJsonWebKeySet");
    expect(requestSchemaOf("getJsonWebKeySet")).toBeNull();
    expect(responseSchemaOf("setJsonWebKey", 200)).toBe("jsonWebKey");
    expect(responseSchemaOf("getJsonWebKey", 200)).toBe("jsonWebKeySet");
    expect(responseSchemaOf("getJsonWebKey", 404)).toBe("errorOAuth2");
    expect(responseSchemaOf("deleteJsonWebKey", 204)).toBeNull();
  });

  it("accepts a valid key and names every problem of an invalid one by path", () => {
    assertMatchesSchema("jsonWebKeySet", { keys: [ecJwk("k")] });
    expect(schemaErrors("jsonWebKeySet", { keys: [{ ...omit(ecJwk("k"), "kid"), use: 1 }] })).toEqual([
      "/keys/0: must have required property 'kid'",
      "/keys/0/use: must be string",
    ]);
  });

  it("can reject members the schema does not list", () => {
    const jwk = { ...ecJwk("k"), key_ops: ["sign"] };
    expect(schemaErrors("jsonWebKey", jwk)).toEqual([]);
    expect(schemaErrors("jsonWebKey", jwk, { noExtraMembers: true })).toEqual([
      "(root): must NOT have additional properties",
    ]);
    expect(schemaErrors("jsonWebKeySet", { keys: [jwk] }, { noExtraMembers: true })).toHaveLength(1);
  });

  it("never quotes values in its errors (they can be private keys)", () => {
    const jwk = ecJwk("k");
    const secret = String(jwk["d"]);
    const bad = { ...jwk, kid: 5, d: { nested: secret } };
    let message = "";
    try {
      assertMatchesSchema("jsonWebKey", bad);
    } catch (error: unknown) {
      message = (error as Error).message;
    }
    expect(message).toContain("does not match OpenAPI schema jsonWebKey");
    expect(message).not.toContain(secret);
  });
});
