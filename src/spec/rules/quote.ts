import { escapeUnsafeInline } from "../../text/unsafe-characters.js";

/**
 * Quotes a name the user wrote (a set ID, kid, field, alg) for a message: JSON-escaped, C1 and
 * bidi controls too, so nothing in it can forge or reorder output lines; cut to `max` characters.
 *
 * Only for names. Never pass anything that could be key material, an env var's value or file
 * content: messages must not echo secrets (contract §4).
 */
export function quote(value: string, max = 40): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return escapeUnsafeInline(JSON.stringify(cut));
}

/** "a number", "a list", "empty": what a YAML value is, for "must be a string, not …" messages. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "a string";
  if (typeof value === "number" || typeof value === "bigint") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value === "object" ? "a map" : "a value of another kind";
}

/** "…; put it in quotes" for scalars YAML read as something else (`kid: 0x1F`, `kid: yes`). */
export function notAString(what: string, value: unknown): string {
  const type = describeType(value);
  if (type === "empty") return `${what} is empty`;
  const hint = type === "a number" || type === "a boolean" ? " (put it in quotes)" : "";
  return `${what} must be a string, not ${type}${hint}`;
}
