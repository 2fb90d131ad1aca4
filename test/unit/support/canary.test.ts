import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretCanary } from "../../support/canary.js";

describe("the secret canary", () => {
  const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  const d = jwk.d ?? "";
  const canary = new SecretCanary().addJwk(jwk, "k").addToken("ory_pat_secret-token-value", "token");

  it("finds a private member whole, re-encoded, or as a 16-character piece", () => {
    expect(canary.find(`x ${d} y`)).toEqual(["k.d"]);
    expect(canary.find(Buffer.from(d, "base64url").toString("base64"))).toEqual(["k.d"]);
    expect(canary.find(Buffer.from(d, "base64url").toString("hex"))).toEqual(["k.d"]);
    expect(canary.find(`…${d.slice(8, 24)}…`)).toEqual(["k.d"]);
    expect(canary.find("Bearer ory_pat_secret-token-value")).toEqual(["token"]);
  });

  it("passes public members and unrelated text", () => {
    expect(canary.find(`${jwk.x ?? ""} ${jwk.y ?? ""} kid thumbprint`)).toEqual([]);
  });
});
