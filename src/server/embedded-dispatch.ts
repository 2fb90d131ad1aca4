import { assertNever } from "../errors.js";
import type { Dispatch } from "./handle-request.js";
import type { Reply } from "./reply.js";
import { handleAdminCall, handleJwks } from "./jwk-handlers.js";
import type { JwkService } from "./jwk-service.js";
import { routeNotFoundReply } from "./router-not-found.js";

/**
 * The embedded server's answers: the routed operation against its own key store, or the
 * router's own replies (redirect, 404, bad URI) as Hydra's router gives them.
 */
export function embeddedDispatch(service: JwkService, baseUrl: () => string): Dispatch {
  return async ({ method, route, body, headers }) => {
    switch (route.kind) {
      case "operation":
        return handleAdminCall(service, { ...route, body, baseUrl: baseUrl() });
      case "jwks":
        return handleJwks(service);
      case "redirect":
        return routerRedirect(method, route.status, route.location);
      case "admin-alias":
        return routerRedirect(method, 307, `${baseUrl()}${route.location}`);
      case "options":
        return { status: 200, headers: { allow: route.allow }, body: "" };
      case "method-not-allowed":
        return {
          status: 405,
          headers: {
            allow: route.allow,
            "content-type": "text/plain; charset=utf-8",
            "x-content-type-options": "nosniff",
          },
          body: "Method Not Allowed\n",
        };
      case "not-found":
        return routeNotFoundReply(headers.accept);
      case "bad-uri":
        return {
          status: 400,
          headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
          body: "400 Bad Request",
        };
      default:
        return assertNever(route, "route");
    }
  };
}

/** Go's `http.Redirect`: an HTML body for GET only, its content type for GET and HEAD. */
function routerRedirect(method: string, status: 301 | 307, location: string): Reply {
  const text = status === 301 ? "Moved Permanently" : "Temporary Redirect";
  return {
    status,
    headers: {
      location,
      ...(method === "GET" || method === "HEAD" ? { "content-type": "text/html; charset=utf-8" } : {}),
    },
    body: method === "GET" ? `<a href="${htmlEscape(location)}">${text}</a>.\n\n` : "",
  };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "'": "&#39;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
};

function htmlEscape(text: string): string {
  return text.replace(/[&'<>"]/g, (c) => HTML_ESCAPES[c] ?? c);
}
