import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { randomBytes } from "node:crypto";
import { startServer } from "../../src/server/index.js";
import type { RunningServer, ServerOptions } from "../../src/server/index.js";
import { startHydra } from "../../scripts/hydra.mjs";
import type { HydraProcess } from "../../scripts/hydra.mjs";
import { OAUTH_HYDRA_ENV } from "./hydra-oauth.js";
import { onHydra } from "./ory-backend.js";

/**
 * Where the contract suite (test/contract) sends its requests: by default the embedded server,
 * started in-process; in the "hydra" test project a real Ory Hydra v2.3.0 of its own
 * (scripts/hydra.mjs), spoken to directly; with `KEYSYNC_IT_ORY_URL` (and `KEYSYNC_IT_ORY_TOKEN`
 * for Ory Network, `KEYSYNC_IT_ORY_PUBLIC_URL` where `/.well-known/jwks.json` is served on
 * another port, as self-hosted Hydra does) your own Hydra or Ory Network project. The same
 * assertions prove the embedded server behaves like the real thing (research/reliability.md §7,
 * T14).
 *
 * Against a real Ory the suite only touches sets it created, under a random per-run prefix,
 * and deletes them at the end. It changes Hydra's reserved sets only when
 * `KEYSYNC_IT_ORY_ALLOW_RESERVED=1` (use a throwaway project). Never point fault or load tests at
 * Ory Network: load testing needs Ory's written approval.
 */
export interface OryTarget {
  /** "hydra": the test project's own Hydra; "remote": one named by KEYSYNC_IT_ORY_URL. */
  readonly kind: "embedded" | "hydra" | "remote";
  /** Base URL without a trailing slash (Hydra's admin API). */
  readonly url: string;
  /** Where `/.well-known/*` is served: Hydra's public API, or `url`. */
  readonly publicUrl: string;
  /** The embedded server, for assertions only it can answer (`sign()`, raw state); null on a real Ory. */
  readonly server: RunningServer | null;
  /**
   * The test project's own Hydra (kind "hydra"), started with JWT access tokens and a login and
   * consent URL, so tests can mint real tokens (hydra-oauth.ts); null otherwise.
   */
  readonly hydra: HydraProcess | null;
  /** Whether tests may add keys to, or delete, Hydra's reserved sets. */
  readonly mayTouchReservedSets: boolean;
  /** A set name unique to this run, deleted again by `close()`. */
  newSet(label: string): string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** Deletes every set from `newSet`, then stops the embedded server. */
  close(): Promise<void>;
}

export interface RequestOptions {
  /** Sent as JSON with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** Sent verbatim (for malformed bodies). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Default "manual", so redirects can be asserted. */
  readonly redirect?: "manual" | "follow";
  /**
   * Send the path byte for byte (node:http, never following redirects): fetch resolves `.`
   * and `..` segments, `%2e` included, before a request leaves.
   */
  readonly verbatimPath?: boolean;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** Set names Hydra reserves (hydra-jwk-contract.md §8). */
export const ID_TOKEN_SET = "hydra.openid.id-token";
export const ACCESS_TOKEN_SET = "hydra.jwt.access-token";

/** A custom broadcast set the suite's own servers (embedded, or the project's Hydra) publish in their JWKS. */
export const EMBEDDED_BROADCAST_SET = "keysync-contract-broadcast";

const MAX_RATE_LIMIT_RETRIES = 6;

export async function openOryTarget(embedded: ServerOptions = {}): Promise<OryTarget> {
  const remoteUrl = process.env["KEYSYNC_IT_ORY_URL"];
  const prefix = `keysync-ct-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const sets = new Set<string>();
  let server: RunningServer | null = null;
  let hydra: HydraProcess | null = null;
  let url: string;
  let publicUrl: string;
  let token: string | undefined;
  if (remoteUrl !== undefined && remoteUrl !== "") {
    url = remoteUrl.replace(/\/+$/, "");
    publicUrl = (process.env["KEYSYNC_IT_ORY_PUBLIC_URL"] ?? url).replace(/\/+$/, "");
    token = process.env["KEYSYNC_IT_ORY_TOKEN"];
  } else if (onHydra) {
    hydra = await startHydra({
      env: {
        ...OAUTH_HYDRA_ENV,
        // The same broadcast sets as the embedded target below (Hydra's default is the id-token set).
        WEBFINGER_JWKS_BROADCAST_KEYS: [ID_TOKEN_SET, EMBEDDED_BROADCAST_SET].join(","),
      },
    });
    url = hydra.adminUrl;
    publicUrl = hydra.publicUrl;
  } else {
    server = await startServer({
      rsaBits: 2048,
      broadcastSets: [ID_TOKEN_SET, EMBEDDED_BROADCAST_SET],
      ...embedded,
    });
    url = server.url;
    publicUrl = url;
    token = embedded.token;
  }

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...options.headers };
    if (token !== undefined && headers["authorization"] === undefined)
      headers["authorization"] = `Bearer ${token}`;
    let body: string | undefined = options.rawBody;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    // As keysync and curl -H do: fetch would label a string body text/plain, which the embedded
    // server refuses for writes (a form can send it cross-site) and Hydra does not look at.
    if (body !== undefined) headers["content-type"] ??= "application/json";
    for (let attempt = 0; ; attempt++) {
      const base = path.startsWith("/.well-known/") ? publicUrl : url;
      if (options.verbatimPath === true) return await verbatimRequest(base, method, path, headers, body);
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        redirect: options.redirect ?? "manual",
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      // A real Ory Network project rate-limits admin calls (15–35 writes/min); wait as told.
      if (res.status === 429 && server === null && hydra === null && attempt < MAX_RATE_LIMIT_RETRIES) {
        const reset = Number(res.headers.get("x-ratelimit-reset") ?? "1");
        await new Promise((r) => setTimeout(r, (Math.max(1, reset) + Math.random()) * 1000));
        continue;
      }
      return { status: res.status, headers: res.headers, text, json: parseJson(text) };
    }
  };

  return {
    kind: server !== null ? "embedded" : hydra !== null ? "hydra" : "remote",
    url,
    publicUrl,
    server,
    hydra,
    // A throwaway Hydra of the test's own is as safe to change as the embedded server.
    mayTouchReservedSets:
      server !== null || hydra !== null || process.env["KEYSYNC_IT_ORY_ALLOW_RESERVED"] === "1",
    newSet: (label) => {
      const name = `${prefix}-${label}`;
      sets.add(name);
      return name;
    },
    request,
    close: async () => {
      for (const name of sets) await request("DELETE", `/admin/keys/${encodeURIComponent(name)}`);
      await server?.close();
      await hydra?.stop();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One request whose path goes out exactly as given (see `RequestOptions.verbatimPath`). */
async function verbatimRequest(
  base: string,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
): Promise<HttpResult> {
  const origin = new URL(base);
  const send = origin.protocol === "https:" ? httpsRequest : httpRequest;
  return await new Promise<HttpResult>((resolve, reject) => {
    const req = send({ host: origin.hostname, port: origin.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(", ") : value);
        }
        resolve({ status: res.statusCode ?? 0, headers: out, text, json: parseJson(text) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
