import type { Reply } from "./reply.js";

/**
 * The answer for a path (or method) no JWK route serves: ory/x `serverx.DefaultNotFoundHandler`,
 * which Hydra mounts as the router's catch-all (hydra-jwk-contract.md §3.1, §4.9). It negotiates
 * between HTML (the default), plain text and JSON with Go's `httputil.NegotiateContentType`, so
 * axios' default `Accept: application/json, text/plain, *\/*` gets the *text* form. keysync uses
 * this body to tell "wrong base URL" from "no such set".
 */
const MESSAGE =
  "The requested route does not exist. Make sure you are using the right path, domain, and port.";

const JSON_BODY = JSON.stringify({ error: { code: 404, message: "Not Found", reason: MESSAGE } }, null, 2);

const HTML_BODY = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><title>404 - Route not found</title></head>
<body><h1>Error 404</h1><p>${MESSAGE}</p></body>
</html>
`;

const OFFERS = ["text/html", "text/plain", "application/json"] as const;
type Offer = (typeof OFFERS)[number];

export function routeNotFoundReply(accept: string | undefined): Reply {
  const type = negotiateContentType(accept, OFFERS, "text/html");
  const body =
    type === "application/json" ? JSON_BODY : type === "text/plain" ? `Error 404 - ${MESSAGE}` : HTML_BODY;
  return { status: 404, headers: { "content-type": `${type}; charset=utf-8` }, body };
}

interface AcceptSpec {
  readonly value: string;
  readonly q: number;
}

/**
 * Go's `httputil.NegotiateContentType` (golang/gddo, vendored by herodot): the best offer by q,
 * then by specificity (exact beats `type/*` beats `*\/*`); ties keep the earlier offer.
 */
export function negotiateContentType(
  accept: string | undefined,
  offers: readonly Offer[],
  fallback: Offer,
): Offer {
  const specs = parseAccept(accept ?? "");
  let best = fallback;
  let bestQ = -1;
  let bestWild = 3;
  for (const offer of offers) {
    for (const spec of specs) {
      if (spec.q === 0 || spec.q < bestQ) continue;
      if (spec.value === "*/*") {
        if (spec.q > bestQ || bestWild > 2) [bestQ, bestWild, best] = [spec.q, 2, offer];
      } else if (spec.value.endsWith("/*")) {
        if (offer.startsWith(spec.value.slice(0, -1)) && (spec.q > bestQ || bestWild > 1)) {
          [bestQ, bestWild, best] = [spec.q, 1, offer];
        }
      } else if (spec.value === offer && (spec.q > bestQ || bestWild > 0)) {
        [bestQ, bestWild, best] = [spec.q, 0, offer];
      }
    }
  }
  return best;
}

function parseAccept(header: string): AcceptSpec[] {
  const specs: AcceptSpec[] = [];
  for (const part of header.split(",")) {
    const [value = "", ...params] = part.split(";").map((s) => s.trim());
    if (!/^[^/\s]+\/[^/\s]+$/.test(value)) continue;
    let q = 1;
    for (const param of params) {
      const [name, v] = param.split("=").map((s) => s.trim());
      if (name?.toLowerCase() === "q" && v !== undefined) {
        const parsed = Number(v);
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    specs.push({ value: value.toLowerCase(), q });
  }
  return specs;
}
