/**
 * Text from a server is untrusted and may echo what keysync sent, private keys included
 * (research/reliability.md §4: leaks come from error messages that echo bodies). Nothing a
 * server wrote reaches a message without passing through `scrubServerText`.
 */
import { UNSAFE_CHARACTERS } from "../text/unsafe-characters.js";

/** Longest server-supplied text kept in a message. */
export const MAX_SERVER_TEXT = 200;

/**
 * Runs of 16 or more base64/base64url characters: the shape of every key member, token and
 * thumbprint. Also catches long identifiers (`createJsonWebKeySetBody`), a price worth paying.
 */
const LONG_RUN = /[A-Za-z0-9+/_=-]{16,}/g;
const REDACTED = "[redacted]";
/**
 * Makes server text safe to show: drops control characters and bidi controls, replaces every run of ≥ 16
 * base64(url) characters with `[redacted]`, removes each of `secrets` wherever it still occurs,
 * collapses whitespace and caps the length. Returns "" for anything that is not a string.
 */
export function scrubServerText(value: unknown, secrets: readonly string[] = []): string {
  if (typeof value !== "string") return "";
  let text = value.replace(UNSAFE_CHARACTERS, " ");
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.split(secret).join(REDACTED);
  }
  text = text.replace(LONG_RUN, REDACTED).replace(/\s+/g, " ").trim();
  if (text.length > MAX_SERVER_TEXT) text = `${text.slice(0, MAX_SERVER_TEXT - 1).trimEnd()}…`;
  return text;
}

/**
 * Ory's error body `{"error": …, "error_description": …}` (hydra-jwk-contract.md §3.1) as one
 * scrubbed phrase, e.g. `Bad Request: Unsupported key algorithm`; null when the body has neither.
 */
export function oryErrorText(body: unknown, secrets: readonly string[] = []): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const record = body as Readonly<Record<string, unknown>>;
  const error = scrubServerText(record["error"], secrets);
  const description = scrubServerText(record["error_description"], secrets);
  const text = [error, description].filter((s) => s !== "").join(": ");
  return text === "" ? null : scrubServerText(text);
}
