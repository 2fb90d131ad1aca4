import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  combineFaults,
  failNth,
  failOnce,
  failTimes,
  isWrite,
  matching,
  seededFaults,
  startServer,
} from "../../../src/server/index.js";
import type { Fault, FaultRequest, RunningServer } from "../../../src/server/index.js";
import { ecJwk } from "../../support/test-jwks.js";

let server: RunningServer;
beforeEach(async () => {
  server = await startServer({ rsaBits: 2048 });
});
afterEach(() => server.close());

const put = (set: string, kid: string) =>
  fetch(`${server.url}/admin/keys/${set}/${kid}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ecJwk(kid)),
  });
const UNRECOGNIZABLE = { error: "error", error_description: "The error is unrecognizable" };

describe("injected faults", () => {
  it("status: answers that status with Hydra's 500 body and changes nothing", async () => {
    server.setFaults(() => ({ kind: "status", status: 503 }));
    const res = await put("s", "k");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(UNRECOGNIZABLE);
    expect(await server.keys("s")).toEqual([]);
    expect(server.requests[0]).toMatchObject({ status: 503, fault: { kind: "status", status: 503 } });
  });

  it("status with a body: answers that body", async () => {
    server.setFaults(failOnce(isWrite, { kind: "status", status: 502, body: "<html>bad gateway</html>" }));
    const res = await put("s", "k");
    expect(res.status).toBe(502);
    expect(await res.text()).toBe("<html>bad gateway</html>");
  });

  it("rate-limit: 429 with Ory's headers and Retry-After, nothing changes", async () => {
    server.setFaults(failOnce(isWrite, { kind: "rate-limit", resetSeconds: 3 }));
    const res = await put("s", "k");
    expect(res.status).toBe(429);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(res.headers.get("x-ratelimit-reset")).toBe("3");
    expect(res.headers.get("retry-after")).toBe("3");
    expect(res.headers.get("x-ratelimit-limit")).toMatch(/^\d+, \d+;w=\d+$/);
    expect(await server.keys("s")).toEqual([]);
    expect((await put("s", "k")).status).toBe(200);
  });

  it("reset: the connection dies before anything happens", async () => {
    server.setFaults(failOnce(isWrite, { kind: "reset" }));
    await expect(put("s", "k")).rejects.toThrow();
    expect(await server.keys("s")).toEqual([]);
    expect(server.requests[0]).toMatchObject({
      status: "dropped",
      fault: { kind: "reset" },
      committedStatus: null,
    });
  });

  it("commit-then-drop: the PUT is committed although the client sees the connection die", async () => {
    server.setFaults(failOnce(isWrite, { kind: "commit-then-drop" }));
    await expect(put("s", "k")).rejects.toThrow();
    expect((await server.keys("s")).map((k) => k.kid)).toEqual(["k"]);
    expect(server.requests[0]).toMatchObject({ status: "dropped", committedStatus: 200 });
  });

  it("commit-then-drop: a POST generates and stores its key; the retry gets 409", async () => {
    server.setFaults(failOnce(matching({ operation: "createJsonWebKeySet" }), { kind: "commit-then-drop" }));
    const post = () =>
      fetch(`${server.url}/admin/keys/s`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ alg: "ES256", kid: "g", use: "sig" }),
      });
    await expect(post()).rejects.toThrow();
    expect(await server.keys("s")).toHaveLength(1);
    expect((await post()).status).toBe(409);
    expect(server.requests.map((r) => r.committedStatus)).toEqual([201, null]);
  });

  it("delay: the request is handled normally afterwards", async () => {
    server.setFaults(failOnce(isWrite, { kind: "delay", ms: 50 }));
    expect((await put("s", "k")).status).toBe(200);
    expect(server.requests[0]?.fault).toEqual({ kind: "delay", ms: 50 });
  });

  it("failNth hits only the nth matching request, failTimes the first n", async () => {
    const fault: Fault = { kind: "status", status: 500 };
    server.setFaults(failNth(isWrite, 2, fault));
    const first = [await put("s", "a"), await put("s", "b"), await put("s", "c")].map((r) => r.status);
    expect(first).toEqual([200, 500, 200]);
    server.setFaults(failTimes(isWrite, 2, fault));
    const second = [await put("s", "a"), await put("s", "b"), await put("s", "c")].map((r) => r.status);
    expect(second).toEqual([500, 500, 200]);
    server.setFaults(null);
    expect((await put("s", "d")).status).toBe(200);
  });

  it("combineFaults lets the first policy with a fault win, while every policy counts", async () => {
    server.setFaults(
      combineFaults(
        failOnce(isWrite, { kind: "status", status: 503 }),
        failNth(isWrite, 2, { kind: "status", status: 502 }),
      ),
    );
    expect([(await put("s", "a")).status, (await put("s", "b")).status]).toEqual([503, 502]);
  });

  it("sees method, raw path, operation, set and kid of each request", async () => {
    const seen: FaultRequest[] = [];
    server.setFaults((r) => {
      seen.push(r);
      return null;
    });
    await put("my%20set", "k%3A1");
    await fetch(`${server.url}/nowhere`);
    expect(seen).toEqual([
      {
        seq: 1,
        method: "PUT",
        path: "/admin/keys/my%20set/k%3A1",
        operation: "setJsonWebKey",
        setId: "my set",
        kid: "k:1",
      },
      { seq: 2, method: "GET", path: "/nowhere", operation: null, setId: null, kid: null },
    ]);
  });
});

describe("seededFaults", () => {
  const requests = (n: number): FaultRequest[] =>
    Array.from({ length: n }, (_, i) => ({
      seq: i + 1,
      method: i % 2 === 0 ? "PUT" : "GET",
      path: "/admin/keys/s/k",
      operation: null,
      setId: "s",
      kid: "k",
    }));

  it("is deterministic in the seed", () => {
    const run = (seed: number) => requests(200).map(seededFaults({ seed, rate: 0.3 }));
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("hits about `rate` of the candidates and only the kinds in the mix", () => {
    const policy = seededFaults({
      seed: 42,
      rate: 0.2,
      mix: { "503": 1, "commit-then-drop": 3 },
      when: isWrite,
    });
    const faults = requests(2000).map((r) => ({ r, fault: policy(r) }));
    expect(faults.filter((f) => f.r.method === "GET" && f.fault !== null)).toEqual([]);
    const hit = faults.filter((f) => f.fault !== null);
    expect(hit.length).toBeGreaterThan(150);
    expect(hit.length).toBeLessThan(250);
    const kinds = new Set(
      hit.map((f) => (f.fault?.kind === "status" ? String(f.fault.status) : f.fault?.kind)),
    );
    expect([...kinds].sort()).toEqual(["503", "commit-then-drop"]);
  });

  it("never faults at rate 0 and always at rate 1", () => {
    expect(
      requests(100)
        .map(seededFaults({ seed: 1, rate: 0 }))
        .every((f) => f === null),
    ).toBe(true);
    expect(
      requests(100)
        .map(seededFaults({ seed: 1, rate: 1 }))
        .every((f) => f !== null),
    ).toBe(true);
  });

  it("drives a live server: every fault is in the request log", async () => {
    server.setFaults(
      seededFaults({ seed: 3, rate: 0.5, mix: { "500": 1, "429": 1, reset: 1, "commit-then-drop": 1 } }),
    );
    for (let i = 0; i < 30; i++) await put("s", `k${i}`).catch(() => undefined);
    const log = server.requests;
    expect(log).toHaveLength(30);
    const faulted = log.filter((r) => r.fault !== null);
    expect(faulted.length).toBeGreaterThan(0);
    for (const r of faulted) {
      const expected =
        r.fault?.kind === "reset" || r.fault?.kind === "commit-then-drop"
          ? "dropped"
          : r.fault?.kind === "rate-limit"
            ? 429
            : 500;
      expect(r.status).toBe(expected);
    }
    const committed = log.filter((r) => r.status === 200 || r.committedStatus === 200).map((r) => r.kid);
    expect((await server.keys("s")).map((k) => k.kid).sort()).toEqual([...committed].sort());
  });
});
