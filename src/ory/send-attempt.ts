import type { AxiosResponse } from "axios";
import type { JwkCall } from "./jwk-client.js";
import { headerOf } from "./jwk-client.js";
import { readRateLimitInfo } from "./rate-limit-headers.js";
import type { RateLimitInfo } from "./rate-limit-headers.js";
import { readResponseBody } from "./response-body.js";
import type { ResponseBody } from "./response-body.js";
import type { StoreContext } from "./store-context.js";
import { transportFailureOf } from "./transport-failure.js";
import type { TransportFailure } from "./transport-failure.js";

/** One admin API request keysync may send, possibly several times. */
export interface OryOperation {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** The path below the target URL, e.g. `/admin/keys/foo/k1`. Built only from safe IDs. */
  readonly path: string;
  readonly call: JwkCall;
}

/** `GET /admin/keys/foo`: how an operation is named in messages and retry events. */
export function operationName(op: OryOperation): string {
  return `${op.method} ${op.path}`;
}

/**
 * What one attempt produced: an HTTP answer (any status), or a transport failure. The body is
 * already classified and parsed; it may hold private keys until the caller turns it into facts.
 */
export type AttemptResult =
  | {
      readonly kind: "answer";
      readonly status: number;
      readonly body: ResponseBody;
      readonly rate: RateLimitInfo;
    }
  | { readonly kind: "failure"; readonly failure: TransportFailure };

/**
 * Sends one attempt: waits for its bucket's governor (GET → reads, others → writes), sends with
 * a per-attempt deadline, reports what the answer said about rate limits back to the governor.
 * Never throws: every outcome is an `AttemptResult`. The axios response and error objects end
 * here.
 */
export async function sendAttempt(ctx: StoreContext, op: OryOperation): Promise<AttemptResult> {
  const governor = op.method === "GET" ? ctx.governors.read : ctx.governors.write;
  const permit = await governor.acquire();
  const controller = new AbortController();
  // axios' own `timeout` watches the socket; this deadline also covers a trickling answer.
  // Only this timer aborts the controller, so an aborted signal means the deadline passed.
  const timer = setTimeout(() => {
    controller.abort();
  }, ctx.timeoutMs);
  try {
    const response = await op.call({ signal: controller.signal });
    const rate = readRateLimitInfo((name) => headerOf(response, name), ctx.wallNow());
    permit.settle(rate, response.status);
    return { kind: "answer", status: response.status, body: bodyOf(response), rate };
  } catch (error) {
    permit.settle(null, null);
    return { kind: "failure", failure: controller.signal.aborted ? "timeout" : transportFailureOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

function bodyOf(response: AxiosResponse<unknown>): ResponseBody {
  const { data } = response;
  if (typeof data === "string") return readResponseBody(headerOf(response, "content-type"), data);
  if (data === undefined || data === null || data === "") return { kind: "empty" };
  return { kind: "json", value: data };
}
