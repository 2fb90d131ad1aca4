import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { E2eWorld, specYaml } from "../support/e2e-kit.js";

// The write-ahead rule, observed from outside: the server reads keysync's state file from disk
// the moment each write request arrives (keysync runs as a separate process), and that file must
// already hold the request's intent. keysync records the next step's intent while a request is
// in flight; this checks that doing so never records a POST's intent while the DELETE of the
// same kid (a regeneration) is still unanswered, which would make a crash read as "created".

const WRITE_LATENCY_MS = 300;

interface PendingIntent {
  op: string;
  set: string;
  kid?: string;
}

let world: E2eWorld | undefined;
afterEach(async () => {
  world?.expectNoSecrets();
  await world?.stop();
});

describe("intents on disk when each write reaches Ory", () => {
  it("hold the request's own intent, and never a regeneration's POST while its DELETE is in flight", async () => {
    // Read at arrival, and again shortly before the answer goes out (by then any write keysync
    // started while the request was in flight has long reached the disk).
    const atArrival = new Map<number, PendingIntent[]>();
    const beforeAnswer = new Map<number, PendingIntent[]>();
    const pendingOnDisk = (): PendingIntent[] =>
      world === undefined
        ? []
        : (JSON.parse(readFileSync(world.path("keysync.state.json"), "utf8")) as { pending: PendingIntent[] })
            .pending;
    const w = await E2eWorld.start({
      latencyMs: (request) => {
        if (request.method === "GET") return 0;
        atArrival.set(request.seq, pendingOnDisk());
        setTimeout(() => beforeAnswer.set(request.seq, pendingOnDisk()), WRITE_LATENCY_MS - 50);
        return WRITE_LATENCY_MS;
      },
    });
    world = w;
    w.write("keysets.yaml", specYaml({ s: ["a:ES256", "b:ES256"], t: ["x:ES256"] }));
    expect((await w.keysync(["apply", "--auto-approve"])).code).toBe(0);
    const mark = w.mark();
    // a is regenerated under its kid (new alg: DELETE then POST), c and d are created, b deleted.
    w.write("keysets.yaml", specYaml({ s: ["a:ES384", "c:ES256", "d:ES256"], t: ["x:ES256", "y:ES256"] }));
    expect((await w.keysync(["apply", "--auto-approve"])).code).toBe(0);
    await w.learnKeys("s", "t");

    const writes = w.writesSince(mark);
    expect(writes.map((r) => r.method).sort()).toEqual(["DELETE", "DELETE", "POST", "POST", "POST", "POST"]);
    let recordedAhead = 0;
    for (const r of writes) {
      const kid = r.method === "POST" ? (r.body as { kid: string }).kid : r.kid;
      const op = r.method === "POST" ? "generate-key" : "delete-key";
      expect(atArrival.get(r.seq), `${r.method} ${r.path}`).toContainEqual(
        expect.objectContaining({ op, set: r.setId, kid }),
      );
      const later = beforeAnswer.get(r.seq) ?? [];
      if (r.method === "DELETE" && kid === "a") {
        for (const pending of [atArrival.get(r.seq) ?? [], later])
          expect(pending.filter((p) => p.op === "generate-key" && p.kid === "a")).toEqual([]);
      }
      // Another intent of the same set on disk while this request is unanswered: recorded ahead.
      if (later.some((p) => p.set === r.setId && p.kid !== kid)) recordedAhead += 1;
    }
    expect(recordedAhead).toBeGreaterThan(0);
    expect(w.state().pending).toEqual([]);
    expect((await w.liveKids("s")).sort()).toEqual(["a", "c", "d"]);
    expect((await w.liveKids("t")).sort()).toEqual(["x", "y"]);
  });
});
