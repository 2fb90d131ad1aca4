import type { SourcePosition } from "../../errors.js";
import type { Located, PathProblem } from "./located.js";
import type { ParsedSpec } from "./parsed-spec.js";
import { valueAt } from "./schema-messages.js";

/**
 * The spec as written, read tolerantly after the schema ran: every set and key is here with
 * positions, and `intact` says whether the schema found nothing wrong with it. Semantic rules
 * and `source` resolution look only at intact parts, so one run reports schema problems in
 * one key and, say, a missing key file in another.
 */
export interface WrittenSpec {
  readonly targetUrl: Located<string> | null;
  readonly sets: readonly WrittenSet[];
}

export interface WrittenSet {
  readonly setId: Located<string>;
  /** False when the set's value (its map, its keys list) broke the schema; a bad set ID does not count. */
  readonly intact: boolean;
  readonly keys: readonly WrittenKey[];
}

/** One key as written. Fields are present only when they were written as strings. */
export interface WrittenKey {
  readonly position: SourcePosition;
  /** False when the schema found a problem in this key; its fields are then not to be trusted. */
  readonly intact: boolean;
  readonly kid: Located<string> | null;
  readonly alg: Located<string> | null;
  readonly use: Located<string> | null;
  readonly source: Located<string> | null;
}

export function readWrittenSpec(parsed: ParsedSpec, problems: readonly PathProblem[]): WrittenSpec {
  const broken = brokenPaths(problems);
  const field = (path: readonly string[]): Located<string> | null => {
    const value = valueAt(parsed.value, path);
    return typeof value === "string" ? { value, position: parsed.locate(path, "value") } : null;
  };

  const sets: WrittenSet[] = [];
  const setsValue = valueAt(parsed.value, ["sets"]);
  if (isPlainMap(setsValue)) {
    for (const [id, setValue] of Object.entries(setsValue)) {
      const setPath = ["sets", id];
      const keysValue = isPlainMap(setValue) ? setValue["keys"] : undefined;
      const keys: WrittenKey[] = [];
      if (Array.isArray(keysValue)) {
        keysValue.forEach((_, index) => {
          const keyPath = [...setPath, "keys", String(index)];
          keys.push({
            position: parsed.locate(keyPath, "value"),
            intact: !broken.within(keyPath),
            kid: field([...keyPath, "kid"]),
            alg: field([...keyPath, "alg"]),
            use: field([...keyPath, "use"]),
            source: field([...keyPath, "source"]),
          });
        });
      }
      sets.push({
        setId: { value: id, position: parsed.locate(setPath, "key") },
        intact: !broken.at(setPath) && !broken.at([...setPath, "keys"]) && Array.isArray(keysValue),
        keys,
      });
    }
  }
  const targetUrl = broken.at(["target", "url"]) ? null : field(["target", "url"]);
  return { targetUrl, sets };
}

/**
 * Which paths the schema found a problem with. Problems at a map key (an unknown field, a bad
 * set ID) leave the values around them usable; problems with a value make it and everything
 * under it untrustworthy. Indexed once, so asking is constant time per path.
 */
function brokenPaths(problems: readonly PathProblem[]): {
  at: (path: readonly string[]) => boolean;
  within: (path: readonly string[]) => boolean;
} {
  // NUL never occurs in a key (the parser refuses control characters), so it can join segments.
  const join = (path: readonly string[]): string => path.join("\u0000");
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const problem of problems) {
    if (problem.at !== "value") continue;
    exact.add(join(problem.path));
    for (let n = 0; n <= problem.path.length; n++) prefixes.add(join(problem.path.slice(0, n)));
  }
  return { at: (path) => exact.has(join(path)), within: (path) => prefixes.has(join(path)) };
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
