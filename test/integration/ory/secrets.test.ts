import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVATE_MEMBERS } from "../../../src/jwk/jwk.js";
import type { Jwk } from "../../../src/jwk/jwk.js";
import { readSets } from "../../../src/ory/read-sets.js";
import { isWrite, seededFaults } from "../../../src/server/index.js";
import { startOryBackend } from "../../support/ory-backend.js";
import type { OryBackend } from "../../support/ory-backend.js";
import { ecJwk, edJwk, octJwk, rsaJwk } from "../../support/test-jwks.js";
import { expectGetBeforeEveryResentPost, startPlainServer, testStore } from "./ory-kit.js";

// Secret canaries (research/reliability.md §4, T10): the server proves it sent private members;
// nothing the adapter returns, throws or reports may contain one of them, or the token.
const TOKEN = "ory_pat_secret-canary-token-9f8e7d6c5b4a";
const SETS = ["sec-gen", "sec-put", "sec-faults"];
let server: OryBackend;
beforeAll(async () => {
  server = await startOryBackend({ token: TOKEN });
});
afterAll(() => server.close());

/** Everything the adapter handed out, rendered every way a log or report might render it. */
const surfaces: string[] = [];
function keep(value: unknown): void {
  surfaces.push(value === undefined ? "" : JSON.stringify(value));
  surfaces.push(inspect(value, { depth: null, showHidden: true }));
  if (value instanceof Error) surfaces.push(value.message, value.stack ?? "");
}
async function capture(promise: Promise<unknown>): Promise<void> {
  await promise.then(keep, keep);
}

/** The canaries: each private member value, its first and last 16 characters, and the token. */
function canaries(keys: readonly Jwk[]): string[] {
  const out = [TOKEN];
  for (const jwk of keys) {
    for (const member of PRIVATE_MEMBERS) {
      const value = jwk[member];
      if (typeof value === "string") out.push(value, value.slice(0, 16), value.slice(-16));
    }
  }
  return out;
}

describe("no private member and no token ever leaves the adapter", () => {
  it("across generation, upload, reads, conflicts, faults and error bodies", async () => {
    const { store, events } = testStore(server.url, { token: TOKEN, retry: { maxAttempts: 6 } });
    keep(store);
    for (const alg of ["RS256", "PS256", "ES256", "ES512", "EdDSA"]) {
      await capture(store.generateKey("sec-gen", { kid: `g-${alg}`, alg, use: "sig" }));
    }
    for (const jwk of [rsaJwk("u-rsa"), ecJwk("u-ec"), edJwk("u-ed"), octJwk("u-oct")]) {
      await capture(store.putKey("sec-put", String(jwk["kid"]), jwk));
    }
    await capture(store.readSet("sec-gen"));
    await capture(store.readKey("sec-put", "u-oct"));
    await capture(readSets(store, SETS, 3));
    // Errors: a conflicting kid, an unsupported alg, a key Ory rejects (private key without P).
    await capture(store.generateKey("sec-gen", { kid: "g-ES256", alg: "EdDSA", use: "sig" }));
    await capture(store.generateKey("sec-gen", { kid: "h", alg: "HS256", use: "sig" }));
    const noP = Object.fromEntries(Object.entries(rsaJwk("u-bad")).filter(([m]) => m !== "p")) as Jwk;
    await capture(store.putKey("sec-put", "u-bad", noP));
    // Faults on every write, including commit-then-drop, with their retry events.
    server.clearRequests();
    server.setFaults(seededFaults({ seed: 7, rate: 0.5, resetSeconds: 0, when: isWrite }));
    for (let i = 0; i < 12; i++) {
      await capture(store.generateKey("sec-faults", { kid: `f-${i}`, alg: "ES256", use: "sig" }));
      await capture(store.putKey("sec-faults", `u-${i}`, ecJwk(`u-${i}`)));
    }
    server.setFaults(null);
    keep(events);
    expect(events.length).toBeGreaterThan(0);
    expectGetBeforeEveryResentPost(server.requests);

    // The server did send private members: its stored keys have them, and so did every answer.
    const stored = (await Promise.all(SETS.map((s) => server.keys(s)))).flat();
    expect(stored.filter((k) => typeof k.d === "string" || typeof k.k === "string").length).toBeGreaterThan(
      20,
    );
    expect((await server.keys("sec-faults")).filter((k) => String(k.kid).startsWith("f-"))).toHaveLength(12);

    const text = surfaces.join("\n");
    const found = canaries(stored).filter((c) => text.includes(c));
    expect(found).toEqual([]);
  });

  it("scrubs an error body that echoes the request, from a leaky proxy", async () => {
    const leaky = await startPlainServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: "Bad Request",
            error_description: `cannot store ${body} for ${req.headers.authorization ?? ""}`,
          }),
        );
      });
    });
    try {
      const jwk = rsaJwk("leak");
      const { store } = testStore(leaky.url, { token: TOKEN });
      const error = await store.putKey("s", "leak", jwk as Jwk).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(
        /^Ory rejected PUT \/admin\/keys\/s\/leak \(400 Bad Request\): Bad Request: cannot store/,
      );
      const text = [error?.message, error?.stack, inspect(error, { showHidden: true })].join("\n");
      expect(canaries([jwk as Jwk]).filter((c) => text.includes(c))).toEqual([]);
    } finally {
      await leaky.close();
    }
  });
});
