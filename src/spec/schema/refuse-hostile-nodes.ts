import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { Node } from "yaml";
import type { Diagnostic, SourcePosition } from "../../errors.js";
import { quote } from "../rules/quote.js";
import { MAX_NESTING } from "./parsed-spec.js";

export { MAX_NESTING } from "./parsed-spec.js";

/** Keys that reach `Object.prototype` when parsed data meets a plain object. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Walks the parsed YAML tree and refuses what a keysets spec never needs and an attacker
 * would: aliases and anchors (billion laughs), explicit tags (`!!binary`, `!foo`), duplicate,
 * non-string and prototype-polluting keys, merge keys, and nesting beyond `MAX_NESTING`.
 * Every finding is reported; the walk never goes deeper than `MAX_NESTING`, so it cannot
 * overflow the stack, and duplicates are found with one set per map, in linear time.
 */
export function refuseHostileNodes(
  root: unknown,
  source: string,
  positionAt: (offset: number) => SourcePosition,
): Diagnostic[] {
  const found: Diagnostic[] = [];
  const report = (node: Node, message: string, marker?: "&" | "!"): void => {
    const start = node.range?.[0] ?? 0;
    found.push({
      position: positionAt(marker === undefined ? start : markerBefore(source, start, marker)),
      message,
    });
  };

  const visit = (node: unknown, depth: number): void => {
    if (node === null || node === undefined) return;
    if (isAlias(node)) {
      report(node, "YAML aliases (*name) are not allowed in a keysets spec; write the value out");
      return;
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return;
    checkProperties(node, report);
    if (isScalar(node)) return;
    if (depth > MAX_NESTING) {
      report(
        node,
        `nested too deeply: a keysets spec is at most ${MAX_NESTING - 1} levels of maps and lists`,
      );
      return;
    }
    if (isSeq(node)) {
      for (const item of node.items) visit(item, depth + 1);
      return;
    }
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== "string") {
        report(isScalar(key) ? key : node, "map keys must be plain strings");
      } else {
        checkProperties(key, report);
        if (seen.has(key.value)) {
          report(key, `duplicate key ${quote(key.value)} (map keys must be unique)`);
        }
        seen.add(key.value);
        if (PROTOTYPE_KEYS.has(key.value)) {
          report(key, `key ${quote(key.value)} is not allowed anywhere in a keysets spec`);
        } else if (key.value === "<<") {
          report(key, "YAML merge keys (<<) are not allowed in a keysets spec; write the fields out");
        }
      }
      visit(pair.value, depth + 1);
    }
  };

  visit(root, 1);
  return found;
}

type Report = (node: Node, message: string, marker?: "&" | "!") => void;

function checkProperties(node: Node, report: Report): void {
  if (node.anchor !== undefined) {
    report(node, "YAML anchors (&name) are not allowed in a keysets spec; write the value out", "&");
  }
  if (node.tag !== undefined) {
    const written = node.tag.replace(/^tag:yaml\.org,2002:/, "!!");
    report(node, `YAML tag ${quote(written)} is not allowed in a keysets spec; write plain values`, "!");
  }
}

/**
 * Where a node's `&anchor` or `!tag` is written: the node's range starts at its value, after
 * its properties (for a block collection, on the next line). Looks back over at most the two
 * property tokens before the value; falls back to the node's start.
 */
function markerBefore(source: string, start: number, marker: "&" | "!"): number {
  let end = start;
  for (let token = 0; token < 2; token++) {
    while (end > 0 && /\s/.test(source[end - 1] ?? "")) end--;
    let begin = end;
    while (begin > 0 && !/\s/.test(source[begin - 1] ?? "")) begin--;
    const first = source[begin];
    if (first === marker) return begin;
    if (first !== "&" && first !== "!") break;
    end = begin;
  }
  return start;
}
