/**
 * The identifiers keysync will put in a URL path, a state file or a message: set IDs and kids
 * (contract §4). One path segment of safe characters, because `@ory/client` resolves dot
 * segments and Hydra trims a trailing slash, so an empty, `.` or `..` kid turns a key DELETE
 * into a whole-set DELETE (hydra-jwk-contract.md §13.4). The character set also keeps an ID
 * that passed this check safe to quote in any message.
 */
export const MAX_ID_LENGTH = 255;
/** The characters allowed in an ID, whatever its length. */
export const ID_CHARSET = /^[A-Za-z0-9._:-]*$/;
export const SAFE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;

/**
 * Names that pass the pattern but are refused anyway: `.` and `..` are path segments, and the
 * other three reach `Object.prototype` when parsed data is assigned onto a plain object
 * (prototype pollution). keysync keeps parsed IDs in `Map`s regardless.
 */
export const DOT_SEGMENTS: ReadonlySet<string> = new Set([".", ".."]);
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** What a valid ID looks like, for error messages. */
export const ID_RULE =
  "1-255 characters of A-Z a-z 0-9 . _ : - (not . or .., __proto__, constructor or prototype)";

/** True when `value` is a string usable as a set ID or kid. */
export function isSafeId(value: unknown): value is string {
  return (
    typeof value === "string" &&
    SAFE_ID_PATTERN.test(value) &&
    !DOT_SEGMENTS.has(value) &&
    !PROTOTYPE_NAMES.has(value)
  );
}

/** Code-unit order for IDs: the same on every machine and locale, unlike `localeCompare`. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
