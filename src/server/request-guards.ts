import { isLoopbackHostname } from "../loopback.js";
import { edgeErrorReply } from "./hydra-errors.js";
import type { Reply } from "./reply.js";
import type { IncomingMessage } from "node:http";

/**
 * Refusals that keep a web page in the user's browser away from the server, which hands out
 * private keys: DNS rebinding (a `Host` that is not the address it listens on) and cross-site
 * writes (an `Origin` other than its own; a body type a plain HTML form or `fetch` without
 * preflight can send). Hydra has no such checks; a server of keys on a developer machine needs
 * them. Null when the request may go on.
 */
export function refuseForeignRequest(
  req: IncomingMessage,
  method: string,
  listening: { readonly host: string; readonly port: number },
): Reply | null {
  const host = req.headers.host;
  if (host === undefined || !isOwnHost(host, listening)) {
    return edgeErrorReply(421, "Misdirected Request", "The Host header does not name this server.");
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, listening)) {
    return edgeErrorReply(403, "Forbidden", "Cross-origin requests are not accepted.");
  }
  if (WRITES.has(method) && isFormType(req.headers["content-type"])) {
    return edgeErrorReply(415, "Unsupported Media Type", "Send the body as application/json.");
  }
  return null;
}

const WRITES: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The body types a browser sends cross-site without a CORS preflight. */
const FORM_TYPES: ReadonlySet<string> = new Set([
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
]);

function isFormType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return FORM_TYPES.has(type);
}

/** The Host names this server: its port, and its own host or any loopback name for it. */
function isOwnHost(host: string, listening: { readonly host: string; readonly port: number }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(`http://${host}/`);
  } catch {
    return false;
  }
  const port = parsed.port === "" ? 80 : Number(parsed.port);
  if (port !== listening.port) return false;
  // Listening on every interface (which needs --token) serves whatever name reaches it.
  if (listening.host === "0.0.0.0" || listening.host === "::") return true;
  const own = listening.host.includes(":") ? `[${listening.host}]` : listening.host;
  return parsed.hostname === own.toLowerCase() || isLoopbackHostname(parsed.hostname);
}

function isOwnOrigin(origin: string, listening: { readonly host: string; readonly port: number }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return parsed.protocol === "http:" && isOwnHost(parsed.host, listening);
}
