import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { KEYSETS_SCHEMA } from "../../../src/spec/schema/keysets-schema.js";
import { captureIo } from "../../support/capture-io.js";

const ROOT = join(import.meta.dirname, "../../..");
const SCHEMA_FILE = join(ROOT, "schemas/keysets.schema.json");

describe("schemas/keysets.schema.json", () => {
  it("is the schema keysync validates with", () => {
    // To regenerate after changing src/spec/schema/keysets-schema.ts: npm run build, then
    // node -e 'import("./dist/spec/schema/keysets-schema.js").then((m) => console.log(JSON.stringify(m.KEYSETS_SCHEMA)))' > schemas/keysets.schema.json
    // and npx prettier --write schemas/keysets.schema.json
    expect(JSON.parse(readFileSync(SCHEMA_FILE, "utf8"))).toEqual(KEYSETS_SCHEMA);
  });

  it("compiles in ajv's strict mode and describes every property for editors", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
    expect(() => new Ajv2020({ strict: true, allErrors: true }).compile(schema)).not.toThrow();
    expect(schema["$id"]).toMatch(/^https:\/\//);
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== "object" || node === null) return;
      const record = node as Record<string, unknown>;
      const properties = record["properties"];
      if (typeof properties === "object" && properties !== null) {
        for (const [name, child] of Object.entries(properties)) {
          const isBoolean = typeof child === "boolean";
          if (!isBoolean && typeof (child as Record<string, unknown>)["description"] !== "string") {
            undescribed.push(`${path}/${name}`);
          }
        }
      }
      for (const [name, child] of Object.entries(record)) walk(child, `${path}/${name}`);
    };
    walk(schema, "");
    expect(undescribed).toEqual([]);
  });

  it("closes every object with additionalProperties: false", () => {
    const open: string[] = [];
    const walk = (node: unknown, path: readonly string[]): void => {
      if (typeof node !== "object" || node === null) return;
      const record = node as Record<string, unknown>;
      // `if`/`then` only add conditions to the key object, which is closed itself.
      const conditional = path.at(-1) === "if" || path.at(-1) === "then";
      if (record["type"] === "object" && !conditional && record["additionalProperties"] === undefined) {
        open.push(path.join("/"));
      }
      for (const [name, child] of Object.entries(record)) walk(child, [...path, name]);
    };
    walk(KEYSETS_SCHEMA, []);
    expect(open).toEqual([]);
  });
});

describe("keysets.example.yaml", () => {
  const text = readFileSync(join(ROOT, "keysets.example.yaml"), "utf8");

  it("starts with the editor modeline pointing at the schema", () => {
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./schemas/keysets.schema.json");
  });

  it("is valid, and shows the algorithms, a use: enc key and a file source", async () => {
    const io = captureIo({ cwd: ROOT });
    expect(await main(["validate", "-f", "keysets.example.yaml"], io)).toBe(0);
    expect(io.out()).toBe("keysets.example.yaml: valid (3 sets, 7 keys)\n");
    expect(io.err()).toBe("");

    const spec = parse(text) as { sets: Record<string, { keys: Record<string, string>[] }> };
    const keys = Object.values(spec.sets).flatMap((s) => s.keys);
    const algs = new Set(keys.map((k) => k["alg"]));
    for (const alg of ["RS256", "ES256", "EdDSA", "ES384"]) expect(algs).toContain(alg);
    expect(keys.some((k) => k["use"] === "enc")).toBe(true);
    expect(keys.some((k) => k["source"]?.startsWith("file:fixtures/keys/"))).toBe(true);
    expect(Object.keys(spec.sets).filter((id) => id.startsWith("hydra."))).toEqual([]);
    expect(keys.filter((k) => k["source"] === undefined && /^(RS|PS)/.test(k["alg"] ?? ""))).toHaveLength(1);
  });
});
