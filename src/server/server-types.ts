import type { Jwk } from "../jwk/jwk.js";
import type { Fault, FaultPolicy, FaultRequest } from "./faults.js";
import type { OperationId } from "./route-request.js";
import type { WriteRateLimit } from "./token-bucket.js";

/** Per-request latency: a fixed number of milliseconds or one computed from the request. */
export type Latency = number | ((request: FaultRequest) => number);

/**
 * How to run the embedded Ory-compatible JWK admin server. Every field is optional; the defaults
 * make a Hydra look-alike on an ephemeral loopback port (design/contract.md §8).
 */
export interface ServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: an ephemeral port, read it back from `RunningServer.url`. */
  readonly port?: number;
  /**
   * Require `Authorization: Bearer <token>` on `/admin/*`, as Ory Network does (§2 "Auth"); 401
   * otherwise. `/.well-known/jwks.json` stays public. Default: no auth, like self-hosted Hydra.
   */
  readonly token?: string;
  /** Keep keys in this file: loaded at start, rewritten atomically (mode 0600) after every change. */
  readonly dataFile?: string;
  /** RS* generation size. Default 4096, like Hydra; PS* is always 2048 (§4.1). Tests use 2048. */
  readonly rsaBits?: number;
  /** Added before every request is handled. */
  readonly latencyMs?: Latency;
  /** Test-only fault injection, consulted once per request (see faults.ts). */
  readonly faults?: FaultPolicy;
  /** Throttle POST/PUT/DELETE like Ory Network (see token-bucket.ts). Default: unlimited. */
  readonly writeRateLimit?: WriteRateLimit;
  /**
   * Hydra's `webfinger.jwks.broadcast_keys`. Default `["hydra.openid.id-token"]`. The two reserved
   * sets are always published in addition (§4.8).
   */
  readonly broadcastSets?: readonly string[];
  /** Largest accepted request body; bigger ones get 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The in-process request log (`RunningServer.requests`): at most `maxEntries` (default
   * 100,000; the oldest go first), or `false` for none, as `keysync serve` runs. Bodies are
   * kept only after authentication, up to 64 KiB, with private JWK members replaced by salted
   * fingerprints; the token is never kept.
   */
  readonly requestLog?: { readonly maxEntries: number } | false;
}

/**
 * One request as the server saw it: the oracle for tests ("no POST was re-sent without a GET",
 * "the PUT body carried the intended kid"). The parsed body may hold private keys: it lives in
 * memory only and is never written or logged.
 */
export interface LoggedRequest {
  readonly seq: number;
  readonly method: string;
  /** The path as sent, percent-encoded, without the query. */
  readonly path: string;
  readonly query: string;
  /** What the request routed to; null for router 404s, redirects and bad URIs. */
  readonly operation: OperationId | null;
  readonly setId: string | null;
  readonly kid: string | null;
  /** `Authorization` header was present (its value is never kept). */
  readonly authorized: boolean;
  /**
   * The JSON body as parsed, private JWK members replaced by `"[private <fingerprint>]"` (the
   * same material gives the same fingerprint within one server); undefined when empty, over
   * 64 KiB, not JSON, or refused before authentication or by the request guards.
   */
  readonly body: unknown;
  readonly bodyBytes: number;
  /** The status sent; "dropped" when the connection was destroyed instead; null while in flight. */
  readonly status: number | "dropped" | null;
  /** The injected fault, if any. 429s from `writeRateLimit` are not faults: they have `fault: null`. */
  readonly fault: Fault | null;
  /** For commit-then-drop: the status of the work that was done but never sent. */
  readonly committedStatus: number | null;
}

/** What the front of a server (log, faults, latency, auth, write limit) is configured with. */
export type FrontOptions = Pick<
  ServerOptions,
  "host" | "port" | "token" | "latencyMs" | "faults" | "writeRateLimit" | "maxBodyBytes" | "requestLog"
>;

/** A listening front and the in-process controls tests use on it. */
export interface FrontServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Stops listening, drops every connection (idle keep-alive ones too, so tests never hang),
   * cancels pending latency, and waits for the data file's last write.
   */
  close(): Promise<void>;
  /** Every request since start or the last `clearRequests()`, in arrival order (a copy). */
  readonly requests: readonly LoggedRequest[];
  clearRequests(): void;
  /** Requests currently being handled. */
  readonly inFlight: number;
  /** The most requests in flight at once since start or the last `resetConcurrency()`. */
  readonly maxConcurrency: number;
  /** The most requests in flight at once for any single set (writes and reads alike). */
  readonly maxSetConcurrency: number;
  resetConcurrency(): void;
  setFaults(policy: FaultPolicy | null): void;
  setLatency(latency: Latency | null): void;
  /** Replaces the bucket (full) or removes the limit. */
  setWriteRateLimit(limit: WriteRateLimit | null): void;
}

/** The embedded server: its front, and controls over the keys it holds. */
export interface RunningServer extends FrontServer {
  /** The stored keys of a set, newest first, private members included; [] when absent. Copies. */
  keys(setId: string): Promise<readonly Jwk[]>;
  /** Out-of-band upsert (like PUT key, newest; no validation, no request log entry). */
  putRaw(setId: string, jwk: Jwk): Promise<void>;
  /** Out-of-band delete of one key, or of the whole set when `kid` is omitted. */
  deleteRaw(setId: string, kid?: string): Promise<void>;
  /**
   * Hydra's signing path `GetOrGenerateKeys` (§7, §8): generates a random-UUID RS256 `sig` key
   * first when the set is missing or has no private key, then returns the kid of the first key
   * with private material in GET order — the key that would sign the next token.
   */
  sign(setId: string): Promise<string>;
}
