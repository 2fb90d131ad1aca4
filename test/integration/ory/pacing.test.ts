import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Jwk } from "../../../src/jwk/jwk.js";
import type { KeyStore } from "../../../src/ory/key-store.js";
import { createKeyStore } from "../../../src/ory/ory-key-store.js";
import { readSets } from "../../../src/ory/read-sets.js";
import { startOryBackend } from "../../support/ory-backend.js";
import type { OryBackend } from "../../support/ory-backend.js";
import { ecJwk } from "../../support/test-jwks.js";
import { targetFor } from "./ory-kit.js";

// Proactive pacing (rate-governor.ts) against the embedded server's Ory-style token bucket.
// The assertions count 429s in the server's log; wall times are printed, never asserted.
let server: OryBackend;
beforeAll(async () => {
  server = await startOryBackend();
});
afterAll(() => server.close());

/** Runs `total` writes from `callers` concurrent callers sharing one store. */
async function writes(store: KeyStore, setId: string, total: number, callers: number): Promise<void> {
  let next = 0;
  const keys: Jwk[] = Array.from({ length: total }, (_, i) => ecJwk(`w-${i}`) as Jwk);
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let i = next++; i < total; i = next++) {
        const jwk = keys[i];
        if (jwk !== undefined) await store.putKey(setId, `w-${i}`, jwk);
      }
    }),
  );
}

/** A store on the server whose every pacing or retry wait is recorded (and still waited). */
function storeRecordingSleeps(): { store: KeyStore; sleeps: number[] } {
  const sleeps: number[] = [];
  const store = createKeyStore({
    target: targetFor(server.url),
    sleep: (ms) => {
      sleeps.push(ms);
      return delay(ms);
    },
  });
  return { store, sleeps };
}

describe("pacing", () => {
  it("100 writes from 8 callers at 5/s (burst 5) meet at most 2 answers of 429", async () => {
    server.setWriteRateLimit({ perSecond: 5, burst: 5 });
    server.setLatency(20);
    server.clearRequests();
    const retries: string[] = [];
    const store = createKeyStore({ target: targetFor(server.url), onRetry: (e) => retries.push(e.message) });
    const started = performance.now();
    await writes(store, "paced", 100, 8);
    const seconds = (performance.now() - started) / 1000;
    const limited = server.requests.filter((r) => r.status === 429).length;
    console.info(`pacing: 100 writes, 8 callers, 5/s burst 5: ${seconds.toFixed(1)} s, ${limited} x 429`);
    expect(limited).toBeLessThanOrEqual(2);
    expect(await server.keys("paced")).toHaveLength(100);
    expect(server.requests.filter((r) => r.status === 200)).toHaveLength(100);
    expect(retries.length).toBe(limited);
    server.setWriteRateLimit(null);
    server.setLatency(null);
  });

  it("adds no wait at all when the server sends no rate-limit headers (self-hosted Hydra)", async () => {
    server.clearRequests();
    const { store, sleeps } = storeRecordingSleeps();
    await writes(store, "unpaced", 40, 8);
    await readSets(store, ["unpaced", "paced", "nothing"], 8);
    expect(sleeps).toEqual([]);
    expect(server.requests.every((r) => r.status === 200 || r.status === 404)).toBe(true);
  });

  it("keeps reads and writes in separate buckets: a drained write bucket does not slow reads", async () => {
    server.setWriteRateLimit({ perSecond: 5, burst: 5 });
    server.clearRequests();
    const { store, sleeps } = storeRecordingSleeps();
    await writes(store, "buckets", 7, 1);
    const writeWaits = sleeps.length;
    expect(writeWaits).toBeGreaterThan(0);
    await readSets(store, ["buckets", "paced"], 2);
    expect(sleeps).toHaveLength(writeWaits);
    expect(server.requests.filter((r) => r.status === 429)).toEqual([]);
    server.setWriteRateLimit(null);
  });
});
