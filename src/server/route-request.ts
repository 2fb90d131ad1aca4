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

/** Where a request goes. `setId`/`kid` are segments of the percent-decoded path. */
export type Route =
  | {
      readonly kind: "operation";
      readonly operation: AdminOperationId;
      readonly setId: string;
      readonly kid: string | null;
    }
  | { readonly kind: "jwks" }
  /**
   * The router's own redirect: a trailing slash to drop or add, or a path that matches only once
   * cleaned or lower-cased. 301 for GET, 307 for every other method; `location` is a path.
   */
  | { readonly kind: "redirect"; readonly status: 301 | 307; readonly location: string }
  /**
   * Hydra's `/keys/…` routes: 307 to the admin base URL's `/admin/keys/…`. `location` is the
   * path and query; the answering side puts its base URL in front.
   */
  | { readonly kind: "admin-alias"; readonly location: string }
  /** OPTIONS on a routed path: 200 with the methods it serves. */
  | { readonly kind: "options"; readonly allow: string }
  /** A routed path asked with a method it does not serve (HEAD included): 405. */
  | { readonly kind: "method-not-allowed"; readonly allow: string }
  /** No route: the router's catch-all 404 page (§3.1). */
  | { readonly kind: "not-found" }
  /** A request-target Go's HTTP server refuses before routing (bad percent-encoding). */
  | { readonly kind: "bad-uri" };

export interface RoutedRequest {
  readonly route: Route;
  /** The path as the client sent it, still percent-encoded. */
  readonly rawPath: string;
  readonly query: string;
  /** Everything but the public JWKS: the paths a bearer token protects. */
  readonly admin: boolean;
}

const JWKS_PATH = "/.well-known/jwks.json";

/**
 * Hydra v2.3.0's admin router (julienschmidt/httprouter behind ory/x's `RouterAdmin`), seen
 * request by request against the real server (docs/serve.md, "Differences from Hydra v2.3.0"):
 *
 * 1. Match the *decoded* path against `/admin/keys/:set` and `/admin/keys/:set/:kid` (and the
 *    `/keys/…` twins, which answer 307 to `/admin/keys/…`). A parameter is everything up to the
 *    next `/`, so `a%2Fb` is set `a`, kid `b`; `.` and `..` are ordinary values; an empty set in
 *    the middle (`/admin/keys//k`) is set `""`.
 * 2. No match, but one with a trailing slash dropped or added: redirect there.
 * 3. Still none: clean the path (`.`, `..`, `//`) and match case-insensitively; redirect there.
 * 4. OPTIONS on a path some method serves: 200 with `Allow`; another method: 405 with `Allow`.
 * 5. Otherwise the router's 404.
 *
 * This server also serves the public port's `/.well-known/jwks.json` on the same port.
 */
export function routeRequest(method: string, target: string): RoutedRequest {
  const split = splitTarget(target);
  if (split === null) return { route: { kind: "bad-uri" }, rawPath: target, query: "", admin: false };
  const { rawPath, query } = split;
  const path = decodePath(rawPath);
  if (path === null) return { route: { kind: "bad-uri" }, rawPath, query, admin: false };
  if (path === JWKS_PATH) return { route: routeJwks(method), rawPath, query, admin: false };
  return { route: routeAdmin(method, path, query), rawPath, query, admin: true };
}

function routeJwks(method: string): Route {
  switch (method) {
    case "GET":
      return { kind: "jwks" };
    case "OPTIONS":
      return { kind: "options", allow: "GET, OPTIONS" };
    default:
      return { kind: "method-not-allowed", allow: "GET, OPTIONS" };
  }
}

function routeAdmin(method: string, path: string, query: string): Route {
  const withQuery = (p: string): string =>
    goRedirectClean(goEscapePath(p)) + (query === "" ? "" : `?${query}`);
  const found = lookup(method, path);
  switch (found.kind) {
    case "set":
    case "key": {
      const kid = found.kind === "key" ? found.kid : null;
      if (found.prefix === "/keys/") {
        return { kind: "admin-alias", location: withQuery(goJoin("/admin", path)) };
      }
      const operation = (found.kind === "key" ? KEY_ROUTES : SET_ROUTES)[method];
      // lookup() matches only for a method the route table has.
      if (operation === undefined) return { kind: "not-found" };
      return { kind: "operation", operation, setId: found.setId, kid };
    }
    case "slash":
    case "none":
      break;
  }
  const status = method === "GET" ? 301 : 307;
  if (found.kind === "slash" && path !== "/") {
    const toggled = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
    return { kind: "redirect", status, location: withQuery(toggled) };
  }
  const fixed = fixedPath(method, path);
  if (fixed !== null) return { kind: "redirect", status, location: withQuery(fixed) };

  const allow = allowedMethods(path);
  if (allow === null) return { kind: "not-found" };
  return method === "OPTIONS" ? { kind: "options", allow } : { kind: "method-not-allowed", allow };
}

type Prefix = "/admin/keys/" | "/keys/";
const PREFIXES: readonly Prefix[] = ["/admin/keys/", "/keys/"];

/** What one method's routing tree makes of a path. */
type Lookup =
  | { readonly kind: "set"; readonly prefix: Prefix; readonly setId: string }
  | { readonly kind: "key"; readonly prefix: Prefix; readonly setId: string; readonly kid: string }
  /**
   * No match, but the path with its trailing slash toggled would match. `fixable`: the slash
   * follows the route's last parameter, which the case-insensitive lookup also forgives.
   */
  | { readonly kind: "slash"; readonly fixable: boolean }
  | { readonly kind: "none" };

/** httprouter's `getValue` over the two key routes of one method (no other route shares them). */
function lookup(method: string, path: string): Lookup {
  const prefix = PREFIXES.find((p) => path.startsWith(p));
  const hasSet = SET_ROUTES[method] !== undefined;
  const hasKey = KEY_ROUTES[method] !== undefined;
  if (prefix === undefined || !hasSet) return { kind: "none" };
  const rest = path.slice(prefix.length);
  // `/admin/keys/` itself is an inner node without a handler.
  if (rest === "") return { kind: "none" };
  const slash = rest.indexOf("/");
  if (slash < 0) return { kind: "set", prefix, setId: rest };
  const setId = rest.slice(0, slash);
  const after = rest.slice(slash + 1);
  // A tree without the key route ends at `:set`; one slash more is a trailing slash.
  if (!hasKey) return after === "" ? { kind: "slash", fixable: true } : { kind: "none" };
  // `/admin/keys/s/` stops at the `/` node between the parameters, which has no handler.
  if (after === "") return { kind: "slash", fixable: false };
  const next = after.indexOf("/");
  if (next < 0) return { kind: "key", prefix, setId, kid: after };
  return next === after.length - 1 ? { kind: "slash", fixable: true } : { kind: "none" };
}

/** httprouter's `findCaseInsensitivePath(CleanPath(path), true)`, limited to the key routes. */
function fixedPath(method: string, path: string): string | null {
  const clean = cleanPath(path);
  const prefix = PREFIXES.find((p) => clean.slice(0, p.length).toLowerCase() === p);
  if (prefix === undefined) return null;
  const canonical = prefix + clean.slice(prefix.length);
  const found = lookup(method, canonical);
  switch (found.kind) {
    case "set":
    case "key":
      return canonical;
    case "slash":
      return found.fixable ? canonical.slice(0, -1) : null;
    case "none":
      return null;
  }
}

/** httprouter's `allowed`: the methods whose route matches exactly, plus OPTIONS; sorted. */
function allowedMethods(path: string): string | null {
  const methods = ALL_METHODS.filter((m) => {
    const found = lookup(m, path);
    return found.kind === "set" || found.kind === "key";
  });
  return methods.length === 0 ? null : [...methods, "OPTIONS"].sort().join(", ");
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

const ALL_METHODS = Object.keys(SET_ROUTES);

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

/** Go's `url.PathEscape`-for-paths (`URL.EscapedPath` without a raw path): keeps `/` and `$&+,:;=@`. */
function goEscapePath(path: string): string {
  return Array.from(Buffer.from(path, "utf8"), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.~/$&+,:;=@]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

/** Strips the trailing slash `posix.normalize` keeps (Go's `path.Clean` drops it). */
function goClean(p: string): string {
  const cleaned = posix.normalize(p);
  return cleaned.length > 1 && cleaned.endsWith("/") ? cleaned.slice(0, -1) : cleaned;
}

/** Go's `path.Join`: joined and cleaned, without a trailing slash. */
function goJoin(a: string, b: string): string {
  return goClean(`${a}/${b}`);
}

/** httprouter's `CleanPath`: `path.Clean` that keeps a trailing slash, and adds one for a final `/.`. */
function cleanPath(p: string): string {
  const cleaned = goClean(p);
  const trailing = p.length > 1 && (p.endsWith("/") || p.endsWith("/."));
  return trailing && cleaned !== "/" ? `${cleaned}/` : cleaned;
}

/** `http.Redirect` cleans a path location again, keeping a trailing slash. */
function goRedirectClean(p: string): string {
  const cleaned = goClean(p);
  return p.endsWith("/") && cleaned !== "/" ? `${cleaned}/` : cleaned;
}
