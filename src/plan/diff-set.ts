import { generatedKeyShape } from "../jwk/algorithms.js";
import type { KeyFacts } from "../jwk/key-facts.js";
import { compareIds, isSafeId } from "../jwk/key-id.js";
import type { LiveKey } from "../ory/key-store.js";
import type { DesiredGeneratedKey, DesiredKey, DesiredSet, DesiredSourceKey } from "../spec/types.js";
import type { ManagedKey, ManagedSet } from "../state/types.js";
import type { PlanEntry, PlanProblem, ReplaceReason, UploadAction } from "./types.js";

export interface SetDiff {
  readonly entries: readonly PlanEntry[];
  readonly errors: readonly PlanProblem[];
}

/**
 * Diffs one declared set key by key (contract §5). `live` is the set's keys in Ory's order, or
 * null when the set does not exist; `managed` is its state record, or undefined when keysync
 * does not manage the set yet (then the set must be absent live; the caller checks that).
 *
 * Entries come out in write order: declared keys in spec order (creates, replaces and no-ops),
 * then deletes of live keys the spec no longer declares, sorted by kid. Deleting last keeps the
 * set from ever losing its signer before the new keys are in.
 */
export function diffSet(
  desired: DesiredSet,
  live: readonly LiveKey[] | null,
  managed: ManagedSet | undefined,
): SetDiff {
  const liveByKid = new Map((live ?? []).map((k) => [k.kid, k]));
  const recordByKid = new Map((managed?.keys ?? []).map((k) => [k.kid, k]));
  const entries: PlanEntry[] = [];
  const errors: PlanProblem[] = [];

  for (const key of desired.keys) {
    const liveKey = liveByKid.get(key.kid);
    const record = recordByKid.get(key.kid);
    if (liveKey === undefined) {
      entries.push(createEntry(desired.setId, key, record === undefined ? "new" : "deleted_outside"));
      continue;
    }
    const reasons: readonly ReplaceReason[] =
      record === undefined ? ["foreign"] : compare(key, liveKey, record);
    entries.push(
      reasons.length === 0
        ? { kind: "no-op", setId: desired.setId, kid: key.kid, facts: liveKey }
        : replaceEntry(desired.setId, key, liveKey, reasons),
    );
  }

  const declared = new Set(desired.keys.map((k) => k.kid));
  const undeclared = (live ?? [])
    .filter((k) => !declared.has(k.kid))
    .sort((a, b) => compareIds(a.kid, b.kid));
  for (const liveKey of undeclared) {
    if (!isSafeId(liveKey.kid)) {
      errors.push({
        code: "unaddressable_kid",
        setId: desired.setId,
        kid: liveKey.kid,
        message:
          `set ${desired.setId} holds a key whose kid ${JSON.stringify(liveKey.kid)} cannot be deleted on its own ` +
          `(an empty, "." or ".." kid turns a key DELETE into a whole-set DELETE); remove it outside keysync`,
      });
      continue;
    }
    entries.push({
      kind: "delete-key",
      setId: desired.setId,
      kid: liveKey.kid,
      before: liveKey,
      reason: "not_declared",
    });
  }
  return { entries, errors };
}

function createEntry(setId: string, key: DesiredKey, reason: "new" | "deleted_outside"): PlanEntry {
  switch (key.origin) {
    case "generated":
      return {
        kind: "generate",
        setId,
        kid: key.kid,
        alg: key.alg,
        use: key.use,
        after: plannedFacts(key),
        reason,
      };
    case "source":
      return uploadEntry(setId, key, { before: null, reasons: [], reason });
  }
}

function replaceEntry(
  setId: string,
  key: DesiredKey,
  before: LiveKey,
  reasons: readonly ReplaceReason[],
): PlanEntry {
  switch (key.origin) {
    case "generated":
      return {
        kind: "regenerate",
        setId,
        kid: key.kid,
        alg: key.alg,
        use: key.use,
        before,
        after: plannedFacts(key),
        reasons,
      };
    case "source":
      return uploadEntry(setId, key, { before, reasons, reason: null });
  }
}

/** An upload of a `source` key: a create (no `before`, a reason) or a replace (`before`, reasons). */
function uploadEntry(
  setId: string,
  key: DesiredSourceKey,
  change: Pick<UploadAction, "before" | "reasons" | "reason">,
): UploadAction {
  return { kind: "upload", setId, kid: key.kid, source: key.source, after: sourceFacts(key), ...change };
}

/** Why the live key under a declared, recorded kid differs from the spec; empty when it does not. */
function compare(key: DesiredKey, live: LiveKey, record: ManagedKey): readonly ReplaceReason[] {
  switch (key.origin) {
    case "generated":
      return compareGenerated(key, live, record);
    case "source":
      return compareSource(key, live);
  }
}

function compareGenerated(key: DesiredGeneratedKey, live: LiveKey, record: ManagedKey): ReplaceReason[] {
  const shape = generatedKeyShape(key.alg);
  const reasons: ReplaceReason[] = [];
  if (live.kty !== shape.kty || (shape.crv !== null && live.crv !== shape.crv)) reasons.push("kty_changed");
  if (live.alg !== key.alg) reasons.push("alg_changed");
  if (live.use !== key.use) reasons.push("use_changed");
  // A generated key's material is whatever Ory made; the state's thumbprint is the evidence.
  if (live.thumbprint !== record.thumbprint || !live.hasPrivate) reasons.push("replaced_outside");
  return reasons;
}

function compareSource(key: DesiredSourceKey, live: LiveKey): ReplaceReason[] {
  const reasons: ReplaceReason[] = [];
  if (live.kty !== key.facts.kty) reasons.push("kty_changed");
  if (live.alg !== key.alg) reasons.push("alg_changed");
  if (live.use !== key.use) reasons.push("use_changed");
  if (live.thumbprint !== key.facts.thumbprint) reasons.push("material_changed");
  else if (live.hasPrivate !== key.facts.hasPrivate) reasons.push("private_part_changed");
  return reasons;
}

/** The facts of a key Ory will generate, as far as they are known before it exists. */
export function plannedFacts(key: DesiredGeneratedKey): KeyFacts {
  const shape = generatedKeyShape(key.alg);
  return {
    kid: key.kid,
    kty: shape.kty,
    alg: key.alg,
    use: key.use,
    crv: shape.crv,
    size: shape.size,
    thumbprint: null,
    hasPrivate: true,
  };
}

function sourceFacts(key: DesiredSourceKey): KeyFacts & { readonly thumbprint: string } {
  const thumbprint = key.facts.thumbprint;
  if (thumbprint === null) throw new TypeError(`source key ${key.kid} has no thumbprint`);
  return { ...key.facts, kid: key.kid, alg: key.alg, use: key.use, thumbprint };
}
