import { assertNever } from "../errors.js";

/**
 * What a response body is, decided once from its text and Content-Type, before anything reads
 * it. The text may hold private keys: it is parsed here and never kept or quoted.
 */
export type ResponseBody =
  /** Empty or whitespace only (204, or a bodiless error). */
  | { readonly kind: "empty" }
  | { readonly kind: "json"; readonly value: unknown }
  /** Labelled or shaped as JSON but not parseable: truncated or corrupt. */
  | { readonly kind: "invalid-json" }
  /** An HTML page: a web server, proxy or single-page app, not Ory's API. */
  | { readonly kind: "html" }
  /** Anything else, e.g. Go's plain-text `404 page not found`. */
  | { readonly kind: "text" };

/** Classifies a body. `contentType` is the raw header (or null). */
export function readResponseBody(contentType: string | null, text: string): ResponseBody {
  const trimmed = text.trim();
  if (trimmed === "") return { kind: "empty" };
  const type = (contentType ?? "").toLowerCase();
  const looksJson = /^[[{"]/.test(trimmed) || type.includes("json");
  if (looksJson || !type.includes("html")) {
    try {
      return { kind: "json", value: JSON.parse(trimmed) as unknown };
    } catch {
      // fall through: decide below what the unparseable text is
    }
  }
  if (type.includes("json")) return { kind: "invalid-json" };
  if (type.includes("html") || /^<(!doctype|html|head|body)\b/i.test(trimmed)) return { kind: "html" };
  if (/^[[{]/.test(trimmed)) return { kind: "invalid-json" };
  return { kind: "text" };
}

/** How a body is named in messages ("a plain-text page"); never its content. */
export function describeBody(body: ResponseBody): string {
  switch (body.kind) {
    case "empty":
      return "an empty body";
    case "json":
      return "JSON";
    case "invalid-json":
      return "truncated or invalid JSON";
    case "html":
      return "an HTML page";
    case "text":
      return "a plain-text page";
    default:
      return assertNever(body, "response body");
  }
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Hydra's own error body: `error` is a string (hydra-jwk-contract.md §3.1). The router's 404
 * and Ory's edge errors use `{"error": {…}}` instead, which is how a wrong base URL is told
 * apart from "no such set".
 */
export function isHydraErrorBody(body: ResponseBody): boolean {
  return body.kind === "json" && isRecord(body.value) && typeof body.value["error"] === "string";
}
