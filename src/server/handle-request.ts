import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { assertNever } from "../errors.js";
import type { Fault, FaultRequest } from "./faults.js";
import { isWrite } from "./faults.js";
import { parseJsonBody } from "./go-json.js";
import { UNRECOGNIZABLE, edgeErrorReply, hydraErrorReply } from "./hydra-errors.js";
import { MAX_LOGGED_BODY_BYTES, redactedBody } from "./log-body.js";
import { readBody } from "./read-body.js";
import { refuseForeignRequest } from "./request-guards.js";
import { withHeaders } from "./reply.js";
import type { Reply } from "./reply.js";
import { routeRequest } from "./route-request.js";
import type { Route, RoutedRequest } from "./route-request.js";
import { rateLimitPolicy } from "./token-bucket.js";
import type { LogEntry, ServerState } from "./server-state.js";

/**
 * What answers a request once the pipeline let it through: the embedded Hydra look-alike
 * (`embedded-dispatch.ts`), or, in keysync's tests, a forwarder to a real Hydra behind the same
 * log, faults, latency, auth and rate limit.
 */
export type Dispatch = (request: DispatchRequest) => Promise<Reply>;

export interface DispatchRequest {
  readonly method: string;
  /** The request-target as sent (path and query, still percent-encoded). */
  readonly target: string;
  readonly route: Route;
  readonly body: Buffer;
  readonly headers: IncomingHttpHeaders;
}

/** What the pipeline needs besides the request. */
export interface PipelineContext {
  readonly dispatch: Dispatch;
  /** The host and port the server listens on, for the Host check (known once listening). */
  readonly listening: () => { readonly host: string; readonly port: number };
  readonly state: ServerState;
  readonly token: string | null;
  readonly maxBodyBytes: number;
  /** Aborted by `close()`: pending latency and delays end, their connections are dropped. */
  readonly closing: AbortSignal;
}

/**
 * One request, start to finish: route → log → read body → fault → latency → auth → write
 * limit → operation → reply (or drop). Never throws: the caller only needs to await it.
 * Order matters for tests: a fault is decided before anything is changed, and a write refused
 * by auth or the rate limit changes nothing.
 */
export async function handleRequest(
  ctx: PipelineContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { state } = ctx;
  const method = req.method ?? "GET";
  const routed = routeRequest(method, req.url ?? "/");
  const described = describe(routed.route);
  const entry: LogEntry = {
    seq: (state.seq += 1),
    method,
    path: routed.rawPath,
    query: routed.query,
    ...described,
    authorized: req.headers.authorization !== undefined,
    body: undefined,
    bodyBytes: 0,
    status: null,
    fault: null,
    committedStatus: null,
  };
  state.record(entry);
  // In flight until the handler is done, not until the client hangs up: a write whose client
  // was killed still runs to the end here, as on a real Ory, and tests wait for it.
  const leave = state.enter(described.setId);
  res.on("close", () => {
    entry.status ??= "dropped";
  });
  try {
    await pipeline(ctx, req, res, routed, described, entry);
  } finally {
    leave();
  }
}

async function pipeline(
  ctx: PipelineContext,
  req: IncomingMessage,
  res: ServerResponse,
  routed: RoutedRequest,
  described: Pick<LogEntry, "operation" | "setId" | "kid">,
  entry: LogEntry,
): Promise<void> {
  const { state } = ctx;
  const method = entry.method;

  const drop = (): void => {
    entry.status = "dropped";
    res.destroy();
  };
  const send = (reply: Reply): void => {
    if (res.destroyed || res.headersSent) return;
    entry.status = reply.status;
    writeReply(res, method, reply);
  };

  try {
    const body = await readBody(req, ctx.maxBodyBytes);
    entry.bodyBytes = body.kind === "ok" ? body.bytes.length : body.received;
    // Decided now, answered in its place below (after faults and latency, as before): a
    // request that fails the token check or the request guards never has its body logged.
    const refusal =
      ctx.token !== null && routed.admin && !bearerMatches(req.headers.authorization, ctx.token)
        ? unauthorized()
        : refuseForeignRequest(req, method, ctx.listening());
    if (
      refusal === null &&
      body.kind === "ok" &&
      body.bytes.length > 0 &&
      body.bytes.length <= MAX_LOGGED_BODY_BYTES
    ) {
      const parsed = parseJsonBody(body.bytes);
      if (parsed.ok) entry.body = redactedBody(parsed.value, state.logSalt);
    }

    const request: FaultRequest = { seq: entry.seq, method, path: routed.rawPath, ...described };
    const fault = state.faults?.(request) ?? null;
    entry.fault = fault;
    if (fault?.kind === "reset") {
      drop();
      return;
    }
    const latency = typeof state.latency === "function" ? state.latency(request) : (state.latency ?? 0);
    const wait = latency + (fault?.kind === "delay" ? fault.ms : 0);
    if (wait > 0) await sleep(wait, undefined, { signal: ctx.closing });
    if (ctx.closing.aborted) {
      drop();
      return;
    }

    const early = faultReply(fault, state) ?? (body.kind === "too-large" ? tooLarge(ctx.maxBodyBytes) : null);
    if (early !== null) {
      send(early);
      return;
    }
    if (refusal !== null) {
      send(refusal);
      return;
    }
    let rateHeaders: Readonly<Record<string, string>> = {};
    if (state.bucket !== null && isWrite(request)) {
      const decision = state.bucket.take();
      rateHeaders = decision.headers;
      if (!decision.allowed) {
        send(rateLimited(decision.headers));
        return;
      }
    }

    const bytes = body.kind === "ok" ? body.bytes : Buffer.alloc(0);
    const reply = withHeaders(
      await ctx.dispatch({
        method,
        target: req.url ?? "/",
        route: routed.route,
        body: bytes,
        headers: req.headers,
      }),
      rateHeaders,
    );
    if (fault?.kind === "commit-then-drop") {
      entry.committedStatus = reply.status;
      drop();
      return;
    }
    send(reply);
  } catch {
    // Hydra maps anything unexpected to its 500 body (§3.2); the error itself may quote input.
    if (ctx.closing.aborted || res.destroyed) {
      drop();
      return;
    }
    send(hydraErrorReply(UNRECOGNIZABLE));
  }
}

function describe(route: Route): Pick<LogEntry, "operation" | "setId" | "kid"> {
  switch (route.kind) {
    case "operation":
      return { operation: route.operation, setId: route.setId, kid: route.kid };
    case "jwks":
      return { operation: "discoverJsonWebKeys", setId: null, kid: null };
    case "redirect":
    case "admin-alias":
    case "options":
    case "method-not-allowed":
    case "not-found":
    case "bad-uri":
      return { operation: null, setId: null, kid: null };
    default:
      return assertNever(route, "route");
  }
}

function faultReply(fault: Fault | null, state: ServerState): Reply | null {
  if (fault === null) return null;
  switch (fault.kind) {
    case "status":
      return fault.body === undefined
        ? hydraErrorReply(UNRECOGNIZABLE, fault.status)
        : { status: fault.status, headers: { "content-type": "application/json" }, body: fault.body };
    case "rate-limit": {
      const limit = state.bucketLimit;
      const reset = String(Math.max(0, Math.ceil(fault.resetSeconds)));
      return rateLimited({
        "x-ratelimit-limit": rateLimitPolicy(limit ?? { perSecond: 5, burst: 5 }),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": reset,
        "retry-after": reset,
      });
    }
    case "reset":
    case "commit-then-drop":
    case "delay":
      return null;
    default:
      return assertNever(fault, "fault");
  }
}

function rateLimited(headers: Readonly<Record<string, string>>): Reply {
  return edgeErrorReply(
    429,
    "Too Many Requests",
    "Rate limit exceeded; retry after x-ratelimit-reset seconds.",
    headers,
  );
}

function unauthorized(): Reply {
  return edgeErrorReply(401, "Unauthorized", "The request could not be authorized", {
    "www-authenticate": 'Bearer realm="keysync serve"',
  });
}

function tooLarge(limit: number): Reply {
  return edgeErrorReply(413, "Request Entity Too Large", `The request body is larger than ${limit} bytes.`, {
    connection: "close",
  });
}

/** Constant-time comparison of digests, so neither content nor length leaks through timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(.+)$/i.exec(header ?? "");
  if (match?.[1] === undefined) return false;
  const digest = (s: string): Buffer => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(match[1].trim()), digest(token));
}

/** Writes a reply; every GET gets Hydra's no-cache header (`NoCacheNegroni`, §2). */
function writeReply(res: ServerResponse, method: string, reply: Reply): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  if (method === "GET") headers["cache-control"] = "private, no-cache, no-store, must-revalidate";
  if (reply.body !== null) headers["content-length"] = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.body ?? undefined);
}
