import { assertNever } from "../errors.js";

/**
 * Why an attempt got no HTTP answer, reduced to what decides retrying and what a user is told.
 * The underlying error (an `AxiosError`, which carries request headers with the token and
 * bodies with private keys) is never kept: only its `code` is read.
 */
export type TransportFailure =
  /** No answer within the per-attempt timeout. The request may have been processed. */
  | "timeout"
  /** Nothing listens there; the request was not processed. */
  | "refused"
  /** The connection broke before or during the answer ("socket hang up"). May have been processed. */
  | "reset"
  /** DNS says the host does not exist: a configuration error, not retried. */
  | "host-not-found"
  /** Routing or temporary DNS failure. */
  | "unreachable"
  /** The TLS handshake failed (untrusted or mismatched certificate): not retried. */
  | "tls"
  /** The answer exceeded the response size cap: not retried. */
  | "too-large"
  /** The request body exceeded the request size cap: refused before sending. */
  | "request-too-large"
  /** The answer could not be decoded (bad compression). */
  | "garbled"
  /** Anything else. Not retried: keysync does not guess. */
  | "other";

const TIMEOUT_CODES = new Set(["ECONNABORTED", "ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ERR_STREAM_PREMATURE_CLOSE"]);
const UNREACHABLE_CODES = new Set(["EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EHOSTDOWN"]);
const GARBLED_CODES = new Set(["Z_DATA_ERROR", "Z_BUF_ERROR", "ERR_BAD_RESPONSE"]);

/** Classifies a thrown transport error by its `code` (and, for axios' size caps, its message). */
export function transportFailureOf(error: unknown): TransportFailure {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : "";
  if (code === "ERR_BAD_RESPONSE" && message.includes("maxContentLength")) return "too-large";
  if (code === "ERR_BAD_RESPONSE" && message.includes("aborted")) return "reset";
  if (code === "ERR_FR_MAX_BODY_LENGTH_EXCEEDED" || message.includes("maxBodyLength")) {
    return "request-too-large";
  }
  if (code === null) return "other";
  if (TIMEOUT_CODES.has(code)) return "timeout";
  if (code === "ECONNREFUSED") return "refused";
  if (RESET_CODES.has(code)) return "reset";
  if (code === "ENOTFOUND") return "host-not-found";
  if (UNREACHABLE_CODES.has(code)) return "unreachable";
  if (GARBLED_CODES.has(code)) return "garbled";
  if (/CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return "tls";
  return "other";
}

/** Whether an idempotent request (GET, PUT, DELETE) is tried again after this failure. */
export function isRetryableFailure(failure: TransportFailure): boolean {
  switch (failure) {
    case "timeout":
    case "refused":
    case "reset":
    case "unreachable":
      return true;
    case "host-not-found":
    case "tls":
    case "too-large":
    case "request-too-large":
    case "garbled":
    case "other":
      return false;
    default:
      return assertNever(failure, "transport failure");
  }
}

/** The failure in words, for messages and retry events ("connection refused"). */
export function describeFailure(failure: TransportFailure, timeoutMs: number): string {
  switch (failure) {
    case "timeout":
      return `no answer within ${formatSeconds(timeoutMs)}`;
    case "refused":
      return "connection refused";
    case "reset":
      return "connection dropped";
    case "host-not-found":
      return "host not found";
    case "unreachable":
      return "network unreachable";
    case "tls":
      return "TLS handshake failed (is the certificate trusted?)";
    case "too-large":
      return "the answer is larger than keysync accepts";
    case "request-too-large":
      return "the request body is larger than keysync sends";
    case "garbled":
      return "the answer could not be decoded";
    case "other":
      return "the request failed";
    default:
      return assertNever(failure, "transport failure");
  }
}

/** `1.2 s`, `30 s`: one decimal below 10 s, whole seconds above. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${(Math.round(s * 10) / 10).toString()} s` : `${Math.round(s).toString()} s`;
}

function errorCode(error: unknown): string | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // The code may sit on the error, its cause, or (happy eyeballs) the first aggregated error.
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string" && code !== "") return code;
    current = cause ?? (Array.isArray(errors) ? (errors as unknown[])[0] : undefined);
  }
  return null;
}
