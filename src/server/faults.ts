import type { OperationId } from "./route-request.js";

/**
 * A failure the server injects into one request, for tests of keysync's retry, idempotency and
 * crash-recovery paths (research/reliability.md §7, T1 and T7). Knobs exist only in-process;
 * nothing over HTTP can turn them on.
 */
export type Fault =
  /** Answer with this status and Hydra's 500 body (§3.2), or `body` when given. Nothing changes. */
  | { readonly kind: "status"; readonly status: number; readonly body?: string }
  /** Ory Network's 429 with `x-ratelimit-*` and `Retry-After` (hydra-jwk-contract.md §12). Nothing changes. */
  | { readonly kind: "rate-limit"; readonly resetSeconds: number }
  /** Destroy the connection before doing anything: the client sees ECONNRESET, nothing changes. */
  | { readonly kind: "reset" }
  /**
   * Do the operation (the write is committed and persisted), then destroy the connection without
   * answering: the ambiguous "did my POST happen?" case keysync must settle by reading.
   */
  | { readonly kind: "commit-then-drop" }
  /** Wait this long, then handle the request normally (on top of any configured latency). */
  | { readonly kind: "delay"; readonly ms: number };

/** What a fault policy sees of a request. `seq` counts requests from 1 since the server started. */
export interface FaultRequest {
  readonly seq: number;
  readonly method: string;
  /** The path as sent, still percent-encoded, without the query. */
  readonly path: string;
  /** The operation the path and method route to, or null for a router 404. */
  readonly operation: OperationId | null;
  readonly setId: string | null;
  readonly kid: string | null;
}

/** Consulted once per request, in arrival order; null means "no fault". */
export type FaultPolicy = (request: FaultRequest) => Fault | null;

export type RequestPredicate = (request: FaultRequest) => boolean;

/** POST, PUT and DELETE: the requests that change state and count against the write limit. */
export const isWrite: RequestPredicate = (r) =>
  r.method === "POST" || r.method === "PUT" || r.method === "DELETE";

/** A predicate from fields that must all match (absent fields match anything). */
export function matching(criteria: {
  readonly method?: string;
  readonly operation?: OperationId;
  readonly setId?: string;
  readonly kid?: string;
}): RequestPredicate {
  return (r) =>
    (criteria.method === undefined || r.method === criteria.method) &&
    (criteria.operation === undefined || r.operation === criteria.operation) &&
    (criteria.setId === undefined || r.setId === criteria.setId) &&
    (criteria.kid === undefined || r.kid === criteria.kid);
}

/** The first matching request gets `fault`; later ones pass. */
export function failOnce(predicate: RequestPredicate, fault: Fault): FaultPolicy {
  return failTimes(predicate, 1, fault);
}

/** The first `count` matching requests get `fault` (e.g. 429 twice, then success). */
export function failTimes(predicate: RequestPredicate, count: number, fault: Fault): FaultPolicy {
  let seen = 0;
  return (r) => {
    if (!predicate(r) || seen >= count) return null;
    seen += 1;
    return fault;
  };
}

/** Only the `nth` matching request (1-based) gets `fault`: e.g. "drop the 3rd write". */
export function failNth(predicate: RequestPredicate, nth: number, fault: Fault): FaultPolicy {
  let seen = 0;
  return (r) => {
    if (!predicate(r)) return null;
    seen += 1;
    return seen === nth ? fault : null;
  };
}

/** Asks each policy in turn; the first fault wins. Every policy sees every request. */
export function combineFaults(...policies: readonly FaultPolicy[]): FaultPolicy {
  return (r) => {
    let chosen: Fault | null = null;
    for (const policy of policies) {
      const fault = policy(r);
      chosen ??= fault;
    }
    return chosen;
  };
}
