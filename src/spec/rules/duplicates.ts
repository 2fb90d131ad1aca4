import type { Diagnostic } from "../../errors.js";
import { quote } from "./quote.js";
import type { ResolvedSet, ResolvedSourceKey } from "./resolved-key.js";

/**
 * Two keys of one set under one kid (RFC 7517 §4.5): Ory answers 409 on the second create,
 * and a plan could not tell them apart. Reported at the later key, naming the first.
 */
export function duplicateKidProblems(set: ResolvedSet): Diagnostic[] {
  const seen = new Map<string, number>();
  const found: Diagnostic[] = [];
  for (const key of set.keys) {
    const first = seen.get(key.kid.value);
    if (first === undefined) {
      seen.set(key.kid.value, key.kid.position.line);
      continue;
    }
    found.push({
      position: key.kid.position,
      message: `duplicate kid ${quote(key.kid.value)} in set ${quote(set.setId.value)} (first used on line ${first})`,
    });
  }
  return found;
}

/**
 * Two `source` keys of one set holding the same key (equal RFC 7638 thumbprints, which a
 * private key shares with its public part): one key published twice under two kids is a
 * mistake, usually a copied line. Reported at the later key's `source`.
 */
export function duplicateMaterialProblems(set: ResolvedSet): Diagnostic[] {
  const seen = new Map<string, ResolvedSourceKey>();
  const found: Diagnostic[] = [];
  for (const key of set.keys) {
    if (key.origin !== "source" || key.facts.thumbprint === null) continue;
    const first = seen.get(key.facts.thumbprint);
    if (first === undefined) {
      seen.set(key.facts.thumbprint, key);
      continue;
    }
    found.push({
      position: key.source.position,
      message: `key ${quote(key.kid.value)} holds the same key material as key ${quote(first.kid.value)} (line ${first.source.position.line}); each key of a set needs its own`,
    });
  }
  return found;
}
