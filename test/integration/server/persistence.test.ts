import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServeError, startServer } from "../../../src/server/index.js";
import { ecJwk } from "../../support/test-jwks.js";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "keysync-serve-"));
  file = join(dir, "keys.json");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("--data FILE persistence", () => {
  it("keeps keys and their order across a restart, and new writes stay newest", async () => {
    const first = await startServer({ rsaBits: 2048, dataFile: file });
    for (const kid of ["a", "b"]) {
      await fetch(`${first.url}/admin/keys/s/${kid}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ecJwk(kid)),
      });
    }
    await fetch(`${first.url}/admin/keys/s`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ alg: "EdDSA", kid: "g", use: "sig" }),
    });
    const before = await first.keys("s");
    await first.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await startServer({ rsaBits: 2048, dataFile: file });
    try {
      expect(await second.keys("s")).toEqual(before);
      await fetch(`${second.url}/admin/keys/s/c`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ecJwk("c")),
      });
      expect((await second.keys("s")).map((k) => k.kid)).toEqual(["c", "g", "b", "a"]);
      await fetch(`${second.url}/admin/keys/s`, { method: "DELETE" });
    } finally {
      await second.close();
    }
    const third = await startServer({ rsaBits: 2048, dataFile: file });
    expect(await third.keys("s")).toEqual([]);
    await third.close();
  });

  it("persists out-of-band changes and generated keys too", async () => {
    const server = await startServer({ rsaBits: 2048, dataFile: file });
    await server.putRaw("raw", ecJwk("r"));
    const kid = await server.sign("signing");
    await server.close();
    const again = await startServer({ rsaBits: 2048, dataFile: file });
    expect((await again.keys("raw")).map((k) => k.kid)).toEqual(["r"]);
    expect((await again.keys("signing")).map((k) => k.kid)).toEqual([kid]);
    await again.close();
  });

  it("writes atomically: the file parses at every moment of a burst of writes, no temp files remain", async () => {
    const server = await startServer({ rsaBits: 2048, dataFile: file });
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        const text = await readFile(file, "utf8").catch((e: unknown) => {
          if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
          throw e;
        });
        if (text !== null) {
          expect(() => JSON.parse(text) as unknown).not.toThrow();
          reads += 1;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${server.url}/admin/keys/s${i % 4}/k${i}`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(ecJwk(`k${i}`)),
        }),
      ),
    );
    reading = false;
    await reader;
    await server.close();
    expect(reads).toBeGreaterThan(0);
    const saved = JSON.parse(await readFile(file, "utf8")) as { sets: Record<string, unknown[]> };
    expect(Object.values(saved.sets).flat()).toHaveLength(40);
    expect(await readdir(dir)).toEqual(["keys.json"]);
  });

  it("refuses a data file that is not its own, and leaves it untouched", async () => {
    for (const content of ["not json", '{"some":"thing"}']) {
      await writeFile(file, content);
      await expect(startServer({ rsaBits: 2048, dataFile: file })).rejects.toBeInstanceOf(ServeError);
      expect(await readFile(file, "utf8")).toBe(content);
    }
  });
});
