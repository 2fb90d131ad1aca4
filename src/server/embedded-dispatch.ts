import { assertNever } from "../errors.js";
import type { Dispatch } from "./handle-request.js";
import { handleAdminCall, handleJwks } from "./jwk-handlers.js";
import type { JwkService } from "./jwk-service.js";
import { routeNotFoundReply } from "./router-not-found.js";

/**
 * The embedded server's answers: the routed operation against its own key store, or the
 * router's own replies (redirect, 404, bad URI) as Hydra's router gives them.
 */
export function embeddedDispatch(service: JwkService, baseUrl: () => string): Dispatch {
  return async ({ route, body, headers }) => {
    switch (route.kind) {
      case "operation":
        return handleAdminCall(service, { ...route, body, baseUrl: baseUrl() });
      case "jwks":
        return handleJwks(service);
      case "redirect":
        return {
          status: 301,
          headers: { location: route.location, "content-type": "text/html; charset=utf-8" },
          body: `<a href="${route.location.replace(/[&<>"']/g, "")}">Moved Permanently</a>.\n\n`,
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
