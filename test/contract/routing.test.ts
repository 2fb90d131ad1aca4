import { describe, expect, it } from "vitest";
import { ecJwk } from "../support/test-jwks.js";
import { expectSuccessJson, itEmbedded, kids, useContractTarget } from "./contract-api.js";

// Routing: hydra-jwk-contract.md §2 (trailing slash, /admin prefix, one segment per parameter),
// §3.1 and §4.9 (the router's own 404 for unknown routes).
const contract = useContractTarget();

const ROUTE_404_JSON = {
  error: {
    code: 404,
    message: "Not Found",
    reason: "The requested route does not exist. Make sure you are using the right path, domain, and port.",
  },
};

describe("routing", () => {
  it("trims one trailing slash: …/{set}/ is the set route, …/{set}/{kid}/ the key route", async () => {
    const set = contract.target.newSet("slash");
    await contract.api.setKey(set, "k", ecJwk("k"));
    expect(kids(await contract.target.request("GET", `/admin/keys/${set}/`))).toEqual(["k"]);
    expect(kids(await contract.target.request("GET", `/admin/keys/${set}/k/`))).toEqual(["k"]);
  });

  it("serves /keys/… like /admin/keys/… for every method", async () => {
    const set = contract.target.newSet("alias");
    const put = await contract.target.request("PUT", `/keys/${set}/a`, { json: ecJwk("a") });
    expectSuccessJson(put, 200);
    const post = await contract.target.request("POST", `/keys/${set}`, {
      json: { alg: "ES256", kid: "b", use: "sig" },
    });
    expectSuccessJson(post, 201);
    expect(kids(await contract.target.request("GET", `/keys/${set}`))).toEqual(["b", "a"]);
    expect((await contract.target.request("DELETE", `/keys/${set}/a`)).status).toBe(204);
    expect(kids(await contract.api.getSet(set))).toEqual(["b"]);
    expect((await contract.target.request("DELETE", `/keys/${set}`)).status).toBe(204);
    expect((await contract.api.getSet(set)).status).toBe(404);
  });

  it("answers the router 404 for /admin/keys (there is no list-all-sets route), as JSON when asked", async () => {
    const res = await contract.target.request("GET", "/admin/keys", {
      headers: { accept: "application/json" },
    });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(ROUTE_404_JSON);
  });

  it("answers the router 404 for paths with too many segments or unknown prefixes", async () => {
    for (const path of ["/admin/keys/a/b/c", "/admin/nothing-here", "/keys"]) {
      const res = await contract.target.request("GET", path, {
        headers: { accept: "application/json" },
        redirect: "follow",
      });
      expect({ path, status: res.status, json: res.json }).toEqual({
        path,
        status: 404,
        json: ROUTE_404_JSON,
      });
    }
  });

  it("negotiates the router 404: HTML by default, text for axios' default Accept", async () => {
    const html = await contract.target.request("GET", "/admin/keys", { headers: { accept: "text/html" } });
    expect(html.status).toBe(404);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const axios = await contract.target.request("GET", "/admin/keys", {
      headers: { accept: "application/json, text/plain, */*" },
    });
    expect(axios.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(axios.text).toContain("The requested route does not exist");
  });

  it("does not serve an unsupported method on a known path", async () => {
    const set = contract.target.newSet("method");
    const res = await contract.target.request("PATCH", `/admin/keys/${set}`, { json: {} });
    // The catch-all route model answers 404; Go's ServeMux without one would answer 405.
    expect([404, 405]).toContain(res.status);
  });

  itEmbedded("answers the router 404 (not 405) for a wrong method, like a catch-all route", async () => {
    const set = contract.target.newSet("method-embedded");
    const res = await contract.target.request("POST", `/admin/keys/${set}/kid`, {
      json: {},
      headers: { accept: "application/json" },
    });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(ROUTE_404_JSON);
  });

  itEmbedded("redirects a non-canonical path with 301, as Go's ServeMux does", async () => {
    const res = await contract.target.request("GET", "/admin/keys//x");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/admin/keys/x");
  });
});
