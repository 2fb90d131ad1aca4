import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { Jwk } from "../../src/jwk/jwk.js";
import type { LoggedRequest, ServerOptions } from "../../src/server/index.js";
import { startOryBackend } from "./ory-backend.js";
import type { OryBackend } from "./ory-backend.js";
import { SecretCanary } from "./canary.js";
import { runCli } from "./run-cli.js";
import type { CliOptions, CliResult } from "./run-cli.js";

const WRITES = new Set(["POST", "PUT", "DELETE"]);

/**
 * One end-to-end world: an Ory on loopback (the embedded server, or real Hydra behind the same
 * front in the "hydra" test project: ory-backend.ts), a temp working directory holding the spec
 * and the state, and a canary that learns every key the server holds. `keysync(...)` runs the
 * built CLI there (ORY_SDK_URL pointing at the server) and keeps every output for the final
 * secret scan.
 */
export class E2eWorld {
  readonly outputs: { label: string; text: string }[] = [];
  readonly canary = new SecretCanary();
  /** Files the test wrote as input (key files hold private keys on purpose): not scanned. */
  readonly #inputs = new Set<string>();
  private constructor(
    readonly server: OryBackend,
    readonly dir: string,
    /** The API token every CLI run sends, like an Ory Network project key: a canary too. */
    readonly token: string,
  ) {
    this.canary.addToken(token, "ORY_PROJECT_API_KEY");
  }

  static async start(options: ServerOptions = {}): Promise<E2eWorld> {
    const token = `ory_pat_${randomBytes(24).toString("base64url")}`;
    const server = await startOryBackend({ rsaBits: 2048, token, ...options });
    const dir = mkdtempSync(join(tmpdir(), "keysync-e2e-"));
    // The CLI's temp directory lives inside the world, so the final scan covers it too.
    mkdirSync(join(dir, ".tmp"));
    return new E2eWorld(server, dir, token);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, text: string): void {
    writeFileSync(this.path(name), text);
    if (name !== "keysets.yaml") this.#inputs.add(this.path(name));
  }

  async keysync(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
    const env = {
      ORY_SDK_URL: this.server.url,
      ORY_PROJECT_API_KEY: this.token,
      TMPDIR: this.path(".tmp"),
      ...options.env,
    };
    const result = await runCli(args, { cwd: this.dir, ...options, env });
    this.outputs.push({ label: `keysync ${args.join(" ")} (stdout)`, text: result.stdout });
    this.outputs.push({ label: `keysync ${args.join(" ")} (stderr)`, text: result.stderr });
    return result;
  }

  /** The state file as JSON. */
  state(name = "keysync.state.json"): StateJson {
    return JSON.parse(readFileSync(this.path(name), "utf8")) as StateJson;
  }

  /** Kids Ory holds in a set, newest first. */
  async liveKids(setId: string): Promise<string[]> {
    return (await this.server.keys(setId)).map((k) => String(k.kid));
  }

  /** A mark in the request log, to count what was sent after it. */
  mark(): number {
    return this.server.requests.length;
  }

  writesSince(mark: number): LoggedRequest[] {
    return this.server.requests.slice(mark).filter((r) => WRITES.has(r.method));
  }

  /** Learns every private member the server holds in these sets (call before sets are deleted). */
  async learnKeys(...setIds: string[]): Promise<void> {
    for (const id of setIds) this.canary.addJwks(await this.server.keys(id), id);
  }

  /** Scans every CLI output so far and every file in the working directory and the CLI's TMPDIR. */
  expectNoSecrets(): void {
    const surfaces: Record<string, string> = {};
    for (const o of this.outputs) surfaces[o.label] = (surfaces[o.label] ?? "") + o.text;
    this.canary.expectClean({ ...surfaces, ...this.canary.filesIn(this.dir, [...this.#inputs]) });
  }

  async stop(): Promise<void> {
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  exists(name: string): boolean {
    return existsSync(this.path(name));
  }
}

/**
 * A fresh world for every test of the calling file, handed to `assign` before each test; after
 * each, every output and file of the world is scanned for secrets and the world is stopped.
 */
export function worldPerTest(assign: (world: E2eWorld) => void, options: ServerOptions = {}): void {
  let current: E2eWorld | undefined;
  beforeEach(async () => {
    current = await E2eWorld.start(options);
    assign(current);
  });
  afterEach(async () => {
    const world = current;
    current = undefined;
    if (world === undefined) return;
    try {
      world.expectNoSecrets();
    } finally {
      await world.stop();
    }
  });
}

export interface StateJson {
  version: number;
  lineage: string;
  serial: number;
  target: string | null;
  sets: Record<
    string,
    {
      keys: {
        kid: string;
        kty: string;
        alg: string | null;
        use: string | null;
        thumbprint: string;
        origin: string;
        has_private: boolean;
      }[];
    }
  >;
  pending: unknown[];
}

/** A spec with the given sets (generated keys as `kid: alg`, or full key objects). */
export function specYaml(sets: Record<string, readonly (string | Record<string, string>)[]>): string {
  const lines = ["version: 1", Object.keys(sets).length === 0 ? "sets: {}" : "sets:"];
  for (const [id, keys] of Object.entries(sets)) {
    lines.push(`  ${id}:`, "    keys:");
    for (const key of keys) {
      if (typeof key === "string") {
        const [kid, alg] = key.split(":");
        lines.push(`      - kid: ${kid ?? ""}`, `        alg: ${alg ?? "ES256"}`);
      } else {
        const entries = Object.entries(key);
        entries.forEach(([k, v], i) =>
          lines.push(`${i === 0 ? "      - " : "        "}${k}: ${JSON.stringify(v)}`),
        );
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A fresh EC private key as a JWK (made at run time; never committed). */
export function privateEcJwk(kid: string, alg = "ES256", namedCurve = "P-256"): Jwk {
  const jwk = generateKeyPairSync("ec", { namedCurve }).privateKey.export({ format: "jwk" });
  return { ...jwk, kty: "EC", kid, alg, use: "sig" };
}
