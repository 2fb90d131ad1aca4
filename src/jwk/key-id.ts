/**
 * The identifiers keysync will put in a URL path: set IDs and kids (contract §4). One path
 * segment of safe characters, because `@ory/client` resolves dot segments and Hydra trims a
 * trailing slash, so an empty, `.` or `..` kid turns a key DELETE into a whole-set DELETE
 * (hydra-jwk-contract.md §13.4). The prototype names are refused so a parsed ID can never
 * poison an object.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;
const FORBIDDEN_IDS: ReadonlySet<string> = new Set([".", "..", "__proto__", "constructor", "prototype"]);

export function isSafeId(id: string): boolean {
  return SAFE_ID_PATTERN.test(id) && !FORBIDDEN_IDS.has(id);
}
