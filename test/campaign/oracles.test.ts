import { describe, expect, it } from "vitest";
import type { LoggedRequest } from "../../src/server/index.js";
import { SecretCanary } from "../support/canary.js";
import { judgeRun } from "../support/campaign-hostile-check.js";
import {
  duplicateCreations,
  liveMismatches,
  postResends,
  undeclaredCreations,
  unguardedResends,
} from "../support/campaign-oracles.js";

/**
 * The campaigns' oracles catch what they claim to: a broken oracle would make every campaign
 * pass. Each check gets a planted violation and a clean counterpart.
 */

let seq = 0;
function req(
  method: string,
  operation: LoggedRequest["operation"],
  kid: string | null,
  status: LoggedRequest["status"],
  extra: Partial<LoggedRequest> = {},
): LoggedRequest {
  seq += 1;
  return {
    seq,
    method,
    path: "/admin/keys/s",
    query: "",
    operation,
    setId: "s",
    kid: method === "POST" ? null : kid,
    authorized: true,
    body: method === "GET" || method === "DELETE" ? undefined : { kid },
    bodyBytes: 0,
    status,
    fault: null,
    committedStatus: null,
    ...extra,
  };
}
const post = (kid: string, status: LoggedRequest["status"], extra: Partial<LoggedRequest> = {}) =>
  req("POST", "createJsonWebKeySet", kid, status, extra);
const getKid = (kid: string, status: number) => req("GET", "getJsonWebKey", kid, status);

describe("request-log oracles", () => {
  it("a POST re-sent without reading its kid is flagged; after a read or a 429 it is not", () => {
    expect(unguardedResends([post("k", 500), post("k", 201)])).toHaveLength(1);
    expect(unguardedResends([post("k", "dropped"), getKid("k", 404), post("k", 201)])).toEqual([]);
    expect(unguardedResends([post("k", 429), post("k", 201)])).toEqual([]);
    // A read lost to a fault taught nothing.
    expect(unguardedResends([post("k", 500), getKid("k", 503), post("k", 201)])).toHaveLength(1);
    expect(postResends([post("k", 500), getKid("k", 404), post("k", 201), post("j", 201)])).toBe(1);
  });

  it("two committed creations of one kid are a duplicate; an identical PUT retry is not", () => {
    const commitThenDrop = { fault: { kind: "commit-then-drop" as const }, committedStatus: 201 };
    expect(duplicateCreations([post("k", "dropped", commitThenDrop), post("k", 201)])).toHaveLength(1);
    expect(
      duplicateCreations([post("k", 500, { fault: { kind: "status", status: 500 } }), post("k", 201)]),
    ).toEqual([]);
    const put = (): LoggedRequest => req("PUT", "setJsonWebKey", "k", 200);
    expect(duplicateCreations([put(), put()])).toEqual([]);
  });

  it("a creation under a kid the spec does not declare is flagged", () => {
    const declared = new Map([["s", new Set(["k"])]]);
    expect(undeclaredCreations([post("k", 201)], declared)).toEqual([]);
    expect(undeclaredCreations([post("x", 201)], declared)).toHaveLength(1);
    expect(undeclaredCreations([post("", 201)], declared)).toHaveLength(1);
  });

  it("live kids must equal the declared ones, and retired sets must be gone", async () => {
    const declared = new Map([["s", new Set(["a", "b"])]]);
    const live = (id: string): string[] => (id === "s" ? ["a", "c"] : ["z"]);
    expect(await liveMismatches(live, declared, ["old"])).toEqual([
      "s/b missing",
      "s/c not declared",
      "old should be deleted",
    ]);
  });
});

describe("hostile-input judge", () => {
  const canary = new SecretCanary().addJwk({ d: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0" }, "key");
  const ok = { code: 1, stdout: "", stderr: "Error: Ory's answer to GET /admin/keys/s is malformed\n" };

  it("accepts a clean failure and flags each kind of misbehaviour", () => {
    expect(judgeRun(ok, canary)).toEqual([]);
    expect(judgeRun({ ...ok, code: 3 }, canary)).toHaveLength(1);
    expect(judgeRun({ ...ok, stderr: "Reading 1 key set...\n" }, canary)).toHaveLength(1);
    expect(
      judgeRun({ ...ok, stderr: "Error: internal error (this is a bug in keysync)\n" }, canary),
    ).toHaveLength(1);
    expect(judgeRun({ ...ok, stderr: `${ok.stderr}    at run (/x/y.js:1:2)\n` }, canary)).toHaveLength(1);
    expect(judgeRun({ ...ok, stderr: `Error: kid \u001b[31mred\n` }, canary)).toHaveLength(1);
    expect(judgeRun({ ...ok, stderr: `Error: ${"x".repeat(3000)}\n` }, canary)).toHaveLength(1);
    expect(judgeRun({ ...ok, stdout: "c2VjcmV0LXNlY3JldC1zZWNyZXQt" }, canary)).toHaveLength(1);
  });
});
