/**
 * Text from a server is untrusted and may echo what keysync sent, private keys included
 * (research/reliability.md §4: leaks come from error messages that echo bodies). Nothing a
 * server wrote reaches a message without passing through `scrubServerText`.
 */

/** Longest server-supplied text kept in a message. */
export const MAX_SERVER_TEXT = 200;

/**
 * Runs of 16 or more base64/base64url characters: the shape of every key member, token and
 * thumbprint. Also catches long identifiers (`createJsonWebKeySetBody`), a price worth paying.
 */
const LONG_RUN = /[A-Za-z0-9+/_=-]{16,}/g;
const REDACTED = "[redacted]";
/**
 * C0 and C1 controls, line separators, and the bidi controls (U+061C, U+200E/F, U+202A–E,
 * U+2066–9) that reorder what a terminal shows.
 */
const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

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
