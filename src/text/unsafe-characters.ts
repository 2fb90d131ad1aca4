/**
 * Characters that make a terminal, a log viewer or a PR comment show something other than the
 * text: C0 and C1 controls and DEL (ESC starts colour, cursor and title sequences; CR rewrites
 * a line; BEL rings), the line and paragraph separators, and the bidi controls (U+061C,
 * U+200E/F, U+202A–E, U+2066–9) that reorder what is shown (the "Trojan Source" trick).
 *
 * One definition for every place keysync shows outside text: spec values, server answers,
 * state and plan files.
 */
export const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Tab and newline are layout, not tricks: `escapeUnsafe` keeps them for multi-line output. */
const UNSAFE_BUT_LAYOUT =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b`: the JSON escape of one character, readable in text and valid inside JSON strings. */
function jsonEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Output as it leaves for stdout and stderr: every unsafe character except tab and newline
 * becomes its `\uXXXX` escape. Safe for JSON output too: JSON.stringify never writes a raw C0
 * character, and inside a JSON string the escape decodes to the same character.
 */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE_BUT_LAYOUT, jsonEscape);
}

/** As `escapeUnsafe`, newline and tab included: for one value inside a one-line message. */
export function escapeUnsafeInline(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, jsonEscape);
}

const ANY_UNSAFE = new RegExp(UNSAFE_CHARACTERS.source);

/** Whether `text` holds any unsafe character (tab and newline included). */
export function hasUnsafeCharacters(text: string): boolean {
  return ANY_UNSAFE.test(text);
}
