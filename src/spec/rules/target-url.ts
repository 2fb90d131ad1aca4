import { TARGET_URL_PATTERN } from "../schema/keysets-schema.js";
import { notAString } from "./quote.js";

const URL_SHAPE = new RegExp(TARGET_URL_PATTERN, "u");

/**
 * The rule for `target.url`, as a message or null. The schema's pattern says the shape; this also
 * asks the WHATWG parser, which is what axios will use. Credentials are refused: tokens come
 * from ORY_PROJECT_API_KEY / ORY_API_KEY, never from the spec (contract §3).
 */
export function targetUrlProblem(value: unknown): string | null {
  if (typeof value !== "string") return notAString("target.url", value);
  if (URL_SHAPE.test(value) && URL.canParse(value)) return null;
  return "target.url must be an http:// or https:// URL without credentials, query or fragment";
}

/** `target.url` as keysync uses it: the trailing `/` dropped (`@ory/client` concatenates paths). */
export function normalizeTargetUrl(url: string): string {
  return url.replace(/\/+$/, "");
}
