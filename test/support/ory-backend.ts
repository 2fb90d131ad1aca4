import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { hasPrivateMaterial } from "../../src/jwk/jwk.js";
import type { Jwk } from "../../src/jwk/jwk.js";
import { RESERVED_SETS, extend, startFront, startServer } from "../../src/server/index.js";
import type { Dispatch, FrontServer, Reply, RunningServer, ServerOptions } from "../../src/server/index.js";
import { startHydra } from "../../scripts/hydra.mjs";
import type { HydraProcess } from "../../scripts/hydra.mjs";

/**
 * The Ory that a test talks to. `KEYSYNC_TEST_BACKEND=hydra` (the vitest project "hydra") makes
 * it a real Ory Hydra v2.3.0 (scripts/hydra.mjs) behind the embedded server's own front — the
 * same request log, faults, latency, token check and write limit (`startFront`) — forwarding
 * every request unchanged; otherwise the embedded server (`keysync serve`). Tests observe and
 * fault both through one interface, so a story written once runs against both.
 */
export type BackendKind = "embedded" | "hydra";

export interface OryBackend extends RunningServer {
  readonly kind: BackendKind;
  /**
   * Where `/.well-known/jwks.json` is served without the front: Hydra's public port, or the
   * embedded server itself. (`url` serves it too: the front routes it to the public port.)
   */
  readonly publicUrl: string;
  /** Hydra's admin port without the front (the embedded server's own URL). */
  readonly adminUrl: string;
}

export function backendKind(): BackendKind {
  return process.env["KEYSYNC_TEST_BACKEND"] === "hydra" ? "hydra" : "embedded";
}

/** True where the checks run against real Hydra. */
export const onHydra = backendKind() === "hydra";

/**
 * Starts the backend of this test project. On Hydra, options that configure the embedded
 * server's own behaviour (`rsaBits`, `dataFile`, `broadcastSets`) do not apply: Hydra generates
 * RSA at 4096 bits and broadcasts only `hydra.openid.id-token` and `hydra.jwt.access-token`.
 */
export async function startOryBackend(options: ServerOptions = {}): Promise<OryBackend> {
  if (backendKind() === "embedded") {
    const server = await startServer({ rsaBits: 2048, ...options });
    return extend(server, { kind: "embedded" as const, publicUrl: server.url, adminUrl: server.url });
  }
  const hydra = await startHydra();
  try {
    const front = await startFront(
      { ...options, maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024 },
      forwardTo(hydra),
    );
    return hydraBackend(front, hydra);
  } catch (error) {
    await hydra.stop();
    throw error;
  }
}

function hydraBackend(front: FrontServer, hydra: HydraProcess): OryBackend {
  const admin = (method: string, path: string, body?: unknown): Promise<Reply> =>
    send(hydra.adminUrl, {
      method,
      target: path,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
    });
  const keysPath = (setId: string, kid?: string): string =>
    `/admin/keys/${encodeURIComponent(setId)}${kid === undefined ? "" : `/${encodeURIComponent(kid)}`}`;
  const keys = async (setId: string): Promise<readonly Jwk[]> => {
    const res = await admin("GET", keysPath(setId));
    if (res.status === 404) return [];
    if (res.status !== 200 || res.body === null)
      throw new Error(`Hydra answered ${res.status} to GET ${setId}`);
    return (JSON.parse(res.body) as { keys: Jwk[] }).keys;
  };
  const expectStatus = (res: Reply, ok: readonly number[], what: string): void => {
    if (!ok.includes(res.status))
      throw new Error(`Hydra answered ${res.status} to ${what}: ${res.body ?? ""}`);
  };
  return extend(front, {
    kind: "hydra" as const,
    publicUrl: hydra.publicUrl,
    adminUrl: hydra.adminUrl,
    close: async () => {
      await front.close();
      await hydra.stop();
    },
    keys,
    // Out of band, as an operator with curl would: straight to Hydra, not through the front, so
    // the request log holds only what keysync sent.
    putRaw: async (setId: string, jwk: Jwk) => {
      // Hydra stores the body's kid and ignores the path's, so a kid that cannot be one path
      // segment ("a/b", "..", "") still goes in under a placeholder.
      const kid = jwk.kid ?? "";
      const segment = kid === "" || kid === "." || kid === ".." || kid.includes("/") ? "_" : kid;
      expectStatus(await admin("PUT", keysPath(setId, segment), jwk), [200], `PUT ${setId}`);
    },
    deleteRaw: async (setId: string, kid?: string) => {
      expectStatus(await admin("DELETE", keysPath(setId, kid)), [204], `DELETE ${setId}`);
    },
    // The key Hydra's signing path picks: the first key with private material in GET order
    // (newest first); test/hydra/facts.test.ts proves the rule with real tokens. A fresh Hydra
    // has no reserved sets until first use: asking for the JWKS makes Hydra generate the missing
    // ones itself, as the first token would. Hydra's admin API cannot be asked to generate a key
    // into a set that exists without a private one (its signing path would); this only reads then.
    sign: async (setId: string) => {
      if ((RESERVED_SETS as readonly string[]).includes(setId) && (await keys(setId)).length === 0) {
        const jwks = await send(hydra.publicUrl, {
          method: "GET",
          target: "/.well-known/jwks.json",
          headers: {},
          body: Buffer.alloc(0),
        });
        expectStatus(jwks, [200], "GET /.well-known/jwks.json");
      }
      const signer = (await keys(setId)).find(hasPrivateMaterial);
      return signer === undefined ? "" : (signer.kid ?? "");
    },
  });
}

/** Sends each request on unchanged: `/.well-known/*` to Hydra's public port, the rest to admin. */
function forwardTo(hydra: HydraProcess): Dispatch {
  return (request) => {
    const wellKnown = request.target.startsWith("/.well-known/");
    return send(wellKnown ? hydra.publicUrl : hydra.adminUrl, request);
  };
}

const FORWARDED_REQUEST_HEADERS = ["content-type", "accept"] as const;
const DROPPED_REPLY_HEADERS = new Set([
  "date",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
]);

/**
 * One HTTP exchange with `node:http`, which (unlike fetch) sends the request-target exactly as
 * given — dot segments, double slashes and odd escapes included — so routing is Hydra's own.
 */
function send(
  base: string,
  request: {
    readonly method: string;
    readonly target: string;
    readonly headers: IncomingHttpHeaders;
    readonly body: Buffer;
  },
): Promise<Reply> {
  const url = new URL(base);
  const headers: Record<string, string | number> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  if (request.body.length > 0 || ["POST", "PUT", "PATCH"].includes(request.method)) {
    headers["content-length"] = request.body.length;
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.target,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const replyHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (DROPPED_REPLY_HEADERS.has(name) || value === undefined) continue;
            replyHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 502,
            headers: replyHeaders,
            body: body.length === 0 && request.method !== "GET" ? null : body.toString("utf8"),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}
