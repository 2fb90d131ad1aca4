import { encodeGoJson } from "./go-json.js";

/**
 * One HTTP answer, built by a handler as a value and written in one place (`start-server.ts`),
 * so that faults such as commit-then-drop can decide not to send it after the work is done.
 */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Null for bodiless answers (204). */
  readonly body: string | null;
}

/** herodot's success writer: `application/json; charset=utf-8` (hydra-jwk-contract.md §2). */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): Reply {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: encodeGoJson(value),
  };
}

export function emptyReply(status: number, headers: Readonly<Record<string, string>> = {}): Reply {
  return { status, headers, body: null };
}

export function withHeaders(reply: Reply, headers: Readonly<Record<string, string>>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}
