import { isMap, isScalar, isSeq } from "yaml";
import type { Document, Node, Pair, YAMLMap } from "yaml";
import type { SourcePosition } from "../../errors.js";

interface Step {
  /** The map key that led here; null for list items and the root. */
  readonly key: Node | null;
  readonly value: unknown;
}

/**
 * Where the node at `path` was written: its map key (`at: "key"`, for unknown fields and set
 * IDs) or its value. When the path leads nowhere (a missing property) the nearest written node
 * on the way is used, and an empty value (`keys:` with nothing after it) is shown at its key,
 * so every diagnostic has a real position (ecosystem.md §6).
 */
export function locateInDocument(
  doc: Document.Parsed,
  positionAt: (offset: number) => SourcePosition,
  file: string,
  path: readonly string[],
  at: "key" | "value",
): SourcePosition {
  const positionOf = (node: Node): SourcePosition => positionAt(node.range?.[0] ?? 0);
  const steps: Step[] = [{ key: null, value: doc.contents }];
  for (const segment of path) {
    const next = stepInto(steps[steps.length - 1]?.value, segment);
    if (next === null) break;
    steps.push(next);
  }
  const reached = steps.length === path.length + 1;
  const last = steps[steps.length - 1];
  if (reached && at === "key" && last?.key !== null && last?.key !== undefined) return positionOf(last.key);

  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (step === undefined) continue;
    if (isWritten(step.value)) return positionOf(step.value);
    if (step.key !== null) return positionOf(step.key);
  }
  return { file, line: 1, column: 1 };
}

/** Each map's pairs by key text, built on first use: locating stays linear in the problems found. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair);
    }
    pairIndex.set(map, index);
  }
  return index.get(key);
}

function stepInto(node: unknown, segment: string): Step | null {
  if (isMap(node)) {
    const pair = pairOf(node, segment);
    if (pair === undefined) return null;
    return { key: isScalar(pair.key) ? pair.key : null, value: pair.value };
  }
  if (isSeq(node) && /^\d+$/.test(segment)) {
    const item: unknown = node.items[Number(segment)];
    return item === undefined ? null : { key: null, value: item };
  }
  return null;
}

/** A node with a position that shows something: not absent, not a zero-width empty value. */
function isWritten(node: unknown): node is Node {
  if (!isMap(node) && !isSeq(node) && !isScalar(node)) return false;
  const range = node.range;
  if (range === undefined || range === null) return false;
  return !(isScalar(node) && node.value === null && range[0] === range[1]);
}
