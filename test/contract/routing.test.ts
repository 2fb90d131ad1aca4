import { describe, expect, it } from "vitest";
import { ecJwk } from "../support/test-jwks.js";
import {
  KEY_NOT_FOUND,
  SET_NOT_FOUND,
  expectHydraError,
  expectSuccessJson,
  kids,
  useContractTarget,
} from "./contract-api.js";

// Routing as Hydra v2.3.0's httprouter does it (docs/serve.md, "Differences from Hydra v2.3.0"):
// redirects for a trailing slash, an unclean or miscased path and the /keys alias, 405 and
// OPTIONS with Allow, and the router's own 404 (hydra-jwk-contract.md §3.1, §4.9).
const contract = useContractTarget();

const ROUTE_404_JSON = {
  error: {
    code: 404,
    message: "Not Found",
    reason: "The requested route does not exist. Make sure you are using the right path, domain, and port.",
  },
};

describe("routing", () => {
  const html301 = (location: string) => `<a href="${location}">Moved Permanently</a>.\n\n`;

  it("redirects a trailing slash away: 301 with Go's HTML body for GET, 307 without one otherwise", async () => {
    const set = contract.target.newSet("slash");
    await contract.api.setKey(set, "k", ecJwk("k"));
    const get = await contract.target.request("GET", `/admin/keys/${set}/`);
    expect([get.status, get.headers.get("location"), get.headers.get("content-type"), get.text]).toEqual([
      301,
      `/admin/keys/${set}`,
      "text/html; charset=utf-8",
      html301(`/admin/keys/${set}`),
    ]);
    const cases: [string, string, number, string][] = [
      ["GET", `/admin/keys/${set}/k/?a=b`, 301, `/admin/keys/${set}/k?a=b`],
      ["GET", `/admin/keys/${set}//`, 301, `/admin/keys/${set}/`],
      ["PUT", `/admin/keys/${set}/k2/`, 307, `/admin/keys/${set}/k2`],
      ["POST", `/admin/keys/${set}/`, 307, `/admin/keys/${set}`],
      ["DELETE", `/admin/keys/${set}/`, 307, `/admin/keys/${set}`],
      ["DELETE", `/admin/keys/${set}/k/`, 307, `/admin/keys/${set}/k`],
    ];
    for (const [method, path, status, location] of cases) {
      const res = await contract.target.request(method, path, method === "GET" ? {} : { json: ecJwk("k2") });
      expect({ method, path, status: res.status, location: res.headers.get("location") }).toEqual({
        method,
        path,
        status,
        location,
      });
      if (method !== "GET") expect(res.text).toBe("");
    }
    // A redirect is only an answer: nothing was written or deleted.
    expect(kids(await contract.api.getSet(set))).toEqual(["k"]);
  });

  it("gives a client that follows redirects the route without the slash", async () => {
    const set = contract.target.newSet("slash-follow");
    expectSuccessJson(
      await contract.target.request("PUT", `/admin/keys/${set}/a/`, { json: ecJwk("a"), redirect: "follow" }),
      200,
    );
    expect(kids(await contract.target.request("GET", `/admin/keys/${set}/`, { redirect: "follow" }))).toEqual(
      ["a"],
    );
    const del = await contract.target.request("DELETE", `/admin/keys/${set}/`, { redirect: "follow" });
    expect(del.status).toBe(204);
    expectHydraError(await contract.api.getSet(set), 404, SET_NOT_FOUND);
  });

  it("answers /keys/… with 307 to the admin URL's /admin/keys/…, query kept, for every method", async () => {
    const set = contract.target.newSet("alias");
    const cases: [string, string, string][] = [
      ["GET", `/keys/${set}`, `/admin/keys/${set}`],
      ["GET", `/keys/${set}/a?x=1`, `/admin/keys/${set}/a?x=1`],
      ["POST", `/keys/${set}`, `/admin/keys/${set}`],
      ["PUT", `/keys/${set}/a`, `/admin/keys/${set}/a`],
      ["DELETE", `/keys/${set}/a`, `/admin/keys/${set}/a`],
      ["DELETE", `/keys/${set}`, `/admin/keys/${set}`],
    ];
    for (const [method, path, location] of cases) {
      const res = await contract.target.request(method, path, method === "GET" ? {} : { json: ecJwk("a") });
      const url = new URL(res.headers.get("location") ?? "relative:");
      expect({ method, path, status: res.status, location: `${url.pathname}${url.search}` }).toEqual({
        method,
        path,
        status: 307,
        location,
      });
      expect(url.protocol).toBe("http:");
      expect(["127.0.0.1", "[::1]", "localhost"]).toContain(url.hostname);
      if (method === "GET") expect(res.text).toContain(">Temporary Redirect</a>.");
    }
    expect((await contract.api.getSet(set)).status).toBe(404);
    // Followed, each lands on its /admin twin (fetch re-sends a 307's body).
    expectSuccessJson(
      await contract.target.request("PUT", `/keys/${set}/a`, { json: ecJwk("a"), redirect: "follow" }),
      200,
    );
    const post = await contract.target.request("POST", `/keys/${set}`, {
      json: { alg: "ES256", kid: "b", use: "sig" },
      redirect: "follow",
    });
    expectSuccessJson(post, 201);
    expect(kids(await contract.target.request("GET", `/keys/${set}`, { redirect: "follow" }))).toEqual([
      "b",
      "a",
    ]);
    expect((await contract.target.request("DELETE", `/keys/${set}/a`, { redirect: "follow" })).status).toBe(
      204,
    );
    expect(kids(await contract.api.getSet(set))).toEqual(["b"]);
  });

  it("splits parameters on the decoded path: %2F ends the set and starts the kid", async () => {
    const set = contract.target.newSet("escaped-slash");
    expectSuccessJson(
      await contract.target.request("PUT", `/admin/keys/${set}%2Fk`, { json: ecJwk("k") }),
      200,
    );
    expect(kids(await contract.api.getSet(set))).toEqual(["k"]);
    expect(kids(await contract.target.request("GET", `/admin/keys/${set}%2Fk`))).toEqual(["k"]);
  });

  it('takes an empty segment between /admin/keys/ and the kid as the set ""', async () => {
    const kid = contract.target.newSet("empty-set-kid");
    expectSuccessJson(await contract.target.request("PUT", `/admin/keys//${kid}`, { json: ecJwk(kid) }), 200);
    expect(kids(await contract.target.request("GET", `/admin/keys//${kid}`))).toEqual([kid]);
    expect((await contract.target.request("DELETE", `/admin/keys//${kid}`)).status).toBe(204);
    expectHydraError(await contract.target.request("GET", `/admin/keys//${kid}`), 404, KEY_NOT_FOUND);
  });

  it("takes . and .. as parameter values, and redirects a path that matches only once cleaned", async () => {
    const set = contract.target.newSet("dots");
    await contract.api.setKey(set, "k", ecJwk("k"));
    const raw = (method: string, path: string) =>
      contract.target.request(method, path, {
        verbatimPath: true,
        ...(method === "GET" ? {} : { json: {} }),
      });
    for (const [method, path, status, location] of [
      ["GET", `/admin/keys/${set}/./k`, 301, `/admin/keys/${set}/k`],
      ["GET", `/admin/keys/x/../${set}/k/`, 301, `/admin/keys/${set}/k`],
      ["PUT", `/admin/keys/x/../${set}`, 307, `/admin/keys/${set}`],
    ] as const) {
      const res = await raw(method, path);
      expect({ path, status: res.status, location: res.headers.get("location") }).toEqual({
        path,
        status,
        location,
      });
    }
    // Cleaned, this ends in a slash after the set, which the case-insensitive lookup does not forgive.
    expect((await raw("GET", `/admin/keys/x/../${set}/`)).status).toBe(404);
    expectHydraError(await raw("GET", "/admin/keys/./k"), 404, KEY_NOT_FOUND);
    expectHydraError(await raw("GET", "/admin/keys/../k"), 404, KEY_NOT_FOUND);
  });

  it("redirects a path that matches only case-insensitively to the registered case, values kept", async () => {
    const set = contract.target.newSet("Case");
    for (const [method, path, status] of [
      ["GET", `/Admin/Keys/${set}`, 301],
      ["POST", `/ADMIN/keys/${set}`, 307],
    ] as const) {
      const res = await contract.target.request(method, path, method === "GET" ? {} : { json: {} });
      expect([res.status, res.headers.get("location")]).toEqual([status, `/admin/keys/${set}`]);
    }
    expect((await contract.target.request("GET", `/ADMIN/keys/${set}/`)).status).toBe(404);
  });

  it("answers 405 with Allow for a method a route does not serve, HEAD included; OPTIONS lists them", async () => {
    const set = contract.target.newSet("method");
    const setAllow = "DELETE, GET, OPTIONS, POST, PUT";
    const keyAllow = "DELETE, GET, OPTIONS, PUT";
    for (const [method, path, allow] of [
      ["POST", `/admin/keys/${set}/k`, keyAllow],
      ["PATCH", `/admin/keys/${set}`, setAllow],
      ["PATCH", `/keys/${set}/k`, keyAllow],
      ["HEAD", `/admin/keys/${set}`, setAllow],
    ] as const) {
      const res = await contract.target.request(method, path, method === "HEAD" ? {} : { json: {} });
      expect({
        method,
        status: res.status,
        allow: res.headers.get("allow"),
        type: res.headers.get("content-type"),
        nosniff: res.headers.get("x-content-type-options"),
      }).toEqual({ method, status: 405, allow, type: "text/plain; charset=utf-8", nosniff: "nosniff" });
      if (method !== "HEAD") expect(res.text).toBe("Method Not Allowed\n");
    }
    for (const [path, status, allow] of [
      [`/admin/keys/${set}`, 200, setAllow],
      [`/admin/keys/${set}/k`, 200, keyAllow],
      [`/admin/keys/${set}/k/`, 404, null],
    ] as const) {
      const res = await contract.target.request("OPTIONS", path);
      expect({ path, status: res.status, allow: res.headers.get("allow") }).toEqual({ path, status, allow });
    }
    expect((await contract.api.getSet(set)).status).toBe(404);
  });

  it("answers the router 404 for /admin/keys and /admin/keys/ (there is no list-all-sets route), as JSON when asked", async () => {
    for (const path of ["/admin/keys", "/admin/keys/"]) {
      const res = await contract.target.request("GET", path, { headers: { accept: "application/json" } });
      expect({ path, status: res.status, json: res.json }).toEqual({
        path,
        status: 404,
        json: ROUTE_404_JSON,
      });
    }
  });

  it("answers the router 404 for paths with too many segments or unknown prefixes", async () => {
    for (const path of [
      "/admin/keys/a/b/c",
      "/admin/keys/a/b/c/",
      "/admin/nothing-here",
      "/keys",
      "/keys/",
    ]) {
      const res = await contract.target.request("GET", path, {
        headers: { accept: "application/json" },
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
});
