import { posix } from "node:path";

/** The eight operations, named by their OpenAPI operationId (hydra-jwk-contract.md §1). */
export type OperationId =
  | "createJsonWebKeySet"
  | "setJsonWebKeySet"
  | "getJsonWebKeySet"
  | "deleteJsonWebKeySet"
  | "setJsonWebKey"
  | "getJsonWebKey"
  | "deleteJsonWebKey"
  | "discoverJsonWebKeys";

/** The seven `/admin/keys` operations. */
export type AdminOperationId = Exclude<OperationId, "discoverJsonWebKeys">;

/** Where a request goes. `setId`/`kid` are percent-decoded path segments. */
export type Route =
  | {
      readonly kind: "operation";
      readonly operation: AdminOperationId;
      readonly setId: string;
      readonly kid: string | null;
    }
  | { readonly kind: "jwks" }
  /** Go's ServeMux answers a non-canonical path (`//`, `.`, `..`) with 301 to the cleaned one. */
  | { readonly kind: "redirect"; readonly location: string }
  /** No route: the router's catch-all 404 page (§3.1), for unknown paths and wrong methods. */
  | { readonly kind: "not-found" }
  /** A request-target Go's HTTP server refuses before routing (bad percent-encoding). */
  | { readonly kind: "bad-uri" };

export interface RoutedRequest {
  readonly route: Route;
  /** The path as the client sent it, still percent-encoded. */
  readonly rawPath: string;
  readonly query: string;
  /** True for `/admin/*` after normalisation: the paths a bearer token protects. */
  readonly admin: boolean;
}

const JWKS_PATH = "/.well-known/jwks.json";

/**
 * Hydra's admin middleware chain, then its ServeMux (hydra-jwk-contract.md §2):
 * `TrimTrailingSlash` (one `/`, so `…/{set}/` is the set route and `…/{set}/` with an empty kid
 * too, §13.4) → `AddAdminPrefixIfNotPresent` (`/keys/…` works like `/admin/keys/…`; it uses
 * `path.Join`, which also cleans) → ServeMux patterns `{set}`, `{kid}`, one segment each.
 * Go changes only the decoded path in the middlewares; when that no longer matches the raw path,
 * segments are split on the decoded one, so `%2F` stays inside a segment only on the direct route.
 * This server also serves the public port's `/.well-known/jwks.json` on the same port.
 */
export function routeRequest(method: string, target: string): RoutedRequest {
  const split = splitTarget(target);
  if (split === null) return { route: { kind: "bad-uri" }, rawPath: target, query: "", admin: false };
  const { rawPath, query } = split;
  const decoded = decodePath(rawPath);
  if (decoded === null) return { route: { kind: "bad-uri" }, rawPath, query, admin: false };

  let path = decoded !== "/" && decoded.endsWith("/") ? decoded.slice(0, -1) : decoded;
  const verb = method === "HEAD" ? "GET" : method;
  if (path === JWKS_PATH) {
    return { route: verb === "GET" ? { kind: "jwks" } : { kind: "not-found" }, rawPath, query, admin: false };
  }
  if (!path.startsWith("/admin")) path = goJoin("/admin", path);
  const base = { rawPath, query, admin: true };

  const clean = goCleanPath(path);
  if (clean !== path) {
    return {
      ...base,
      route: { kind: "redirect", location: encodePath(clean) + (query === "" ? "" : `?${query}`) },
    };
  }
  const escaped = decodePath(rawPath) === path ? rawPath : encodePath(path);
  const segments = escaped
    .split("/")
    .slice(1)
    .map((s) => decodePath(s) ?? s);
  return { ...base, route: matchRoute(verb, segments) };
}

function matchRoute(verb: string, segments: readonly string[]): Route {
  const [admin, keys, setId, kid, ...rest] = segments;
  if (admin !== "admin" || keys !== "keys" || setId === undefined || setId === "" || rest.length > 0) {
    return { kind: "not-found" };
  }
  if (kid === undefined) {
    const operation = SET_ROUTES[verb];
    return operation === undefined
      ? { kind: "not-found" }
      : { kind: "operation", operation, setId, kid: null };
  }
  if (kid === "") return { kind: "not-found" };
  const operation = KEY_ROUTES[verb];
  return operation === undefined ? { kind: "not-found" } : { kind: "operation", operation, setId, kid };
}

const SET_ROUTES: Readonly<Partial<Record<string, AdminOperationId>>> = {
  GET: "getJsonWebKeySet",
  POST: "createJsonWebKeySet",
  PUT: "setJsonWebKeySet",
  DELETE: "deleteJsonWebKeySet",
};

const KEY_ROUTES: Readonly<Partial<Record<string, AdminOperationId>>> = {
  GET: "getJsonWebKey",
  PUT: "setJsonWebKey",
  DELETE: "deleteJsonWebKey",
};

function splitTarget(target: string): { rawPath: string; query: string } | null {
  let rest = target;
  // absolute-form (`GET http://host/path`), which proxies send.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length) || "/";
  if (!rest.startsWith("/")) return null;
  const q = rest.indexOf("?");
  return q < 0 ? { rawPath: rest, query: "" } : { rawPath: rest.slice(0, q), query: rest.slice(q + 1) };
}

function decodePath(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Go's `path.Join`: joined and cleaned, without a trailing slash. */
function goJoin(a: string, b: string): string {
  const joined = posix.normalize(`${a}/${b}`);
  return joined.length > 1 && joined.endsWith("/") ? joined.slice(0, -1) : joined;
}

/** ServeMux's `cleanPath`: `path.Clean`, keeping a trailing slash. */
function goCleanPath(p: string): string {
  const cleaned = posix.normalize(p);
  return cleaned.length > 1 && cleaned.endsWith("/") && !p.endsWith("/") ? cleaned.slice(0, -1) : cleaned;
}
