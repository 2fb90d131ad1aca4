import type { KeyFacts } from "../jwk/key-facts.js";
import type { LiveKey } from "../ory/key-store.js";

/**
 * The plan: what `apply` will do, in order, and everything a reviewer needs to approve it.
 *
 * Invariants (Terraform's `plans` package is the model):
 * 1. `SetPlan.entries` order *is* execution order within a set; the applier never reorders.
 * 2. The applier branches only on `Action.kind`. `reason`, warnings and signer predictions are
 *    for people and policy tools and must not drive apply behaviour.
 * 3. No private key material anywhere: keys are `KeyFacts`, sources are references.
 * 4. Plain data (arrays, strings, numbers): a plan serializes to JSON and back unchanged, which
 *    is what a saved plan file is.
 */
export interface Plan {
  readonly keysyncVersion: string;
  /** The Ory URL planned against, no trailing `/`. */
  readonly target: string;
  /** When the plan was made (ISO 8601), from the clock passed to `buildPlan`. */
  readonly createdAt: string;
  /** The state the plan was made from; a saved plan is stale once this moves. */
  readonly state: StateRef;
  /** Every set that is declared or managed, sorted by set ID. */
  readonly sets: readonly SetPlan[];
  /**
   * Managed sets that are neither declared nor live any more: apply drops them from the state
   * file. A state-only change: no request, not counted as a change.
   */
  readonly forgotten: readonly string[];
  /** Reasons the plan cannot be applied (exit 1). Empty for an applyable plan. */
  readonly errors: readonly PlanProblem[];
  /** Things a reviewer should look at twice: signer cut-overs, deletions, risky key mixes. */
  readonly warnings: readonly PlanProblem[];
}

/**
 * The state file a plan was made from. `lineage` is null when there was no state file yet (a
 * new state's lineage is only fixed by its first write), and then `serial` is 0.
 */
export interface StateRef {
  readonly lineage: string | null;
  readonly serial: number;
}

/** One set's part of the plan. */
export interface SetPlan {
  readonly setId: string;
  /** Declared in the spec. */
  readonly declared: boolean;
  /** In the state file at plan time (after settling unfinished writes). */
  readonly managed: boolean;
  /**
   * What the plan read from Ory, newest first; null when the set did not exist. A saved plan
   * compares these thumbprints with a fresh read and refuses to apply if they moved.
   */
  readonly live: readonly LiveKey[] | null;
  /** Actions and no-ops in execution order (no-ops stand at their spec position). */
  readonly entries: readonly PlanEntry[];
  /** Who signs: the first key with private material in Ory's order, before and after apply. */
  readonly signer: { readonly before: string | null; readonly after: string | null };
}

export type PlanEntry = Action | NoOp;

/** A declared key that is live and matches; listed so the plan is complete, never executed. */
export interface NoOp {
  readonly kind: "no-op";
  readonly setId: string;
  readonly kid: string;
  readonly facts: LiveKey;
}

/**
 * One step the applier executes. Each kind maps to fixed requests:
 * - `generate`: POST /admin/keys/{set} with {kid, alg, use}. Ory makes the key, which becomes
 *   the newest (and so the signer). Creates a key that is not live.
 * - `regenerate`: DELETE /admin/keys/{set}/{kid}, then POST. Replaces a live key by a new
 *   generated one; two requests because a POST on an existing kid is a 409. The kid is absent
 *   between the two.
 * - `upload`: PUT /admin/keys/{set}/{kid} of a `source` key. Creates the key, or replaces the
 *   live one atomically (Ory deletes and re-adds in one transaction).
 * - `delete-key`: DELETE /admin/keys/{set}/{kid}.
 * - `delete-set`: DELETE /admin/keys/{set}: the whole set, for a managed set no longer declared.
 */
export type Action = GenerateAction | RegenerateAction | UploadAction | DeleteKeyAction | DeleteSetAction;
export type ActionKind = Action["kind"];

export interface GenerateAction {
  readonly kind: "generate";
  readonly setId: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: string;
  /** What Ory will generate; thumbprint (and RSA size) known after apply. */
  readonly after: KeyFacts;
  readonly reason: CreateReason;
}

export interface RegenerateAction {
  readonly kind: "regenerate";
  readonly setId: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: string;
  readonly before: LiveKey;
  readonly after: KeyFacts;
  readonly reasons: readonly ReplaceReason[];
}

export interface UploadAction {
  readonly kind: "upload";
  readonly setId: string;
  readonly kid: string;
  /** The reference as written in the spec (`file:…`, `env:…`), resolved again at apply. */
  readonly source: string;
  /** The key as it will be uploaded; its thumbprint is checked against the material at apply. */
  readonly after: KeyFacts & { readonly thumbprint: string };
  /** The live key this replaces, or null when it creates one. */
  readonly before: LiveKey | null;
  /** Non-empty exactly when `before` is not null. */
  readonly reasons: readonly ReplaceReason[];
  readonly reason: CreateReason | null;
}

export interface DeleteKeyAction {
  readonly kind: "delete-key";
  readonly setId: string;
  readonly kid: string;
  readonly before: LiveKey;
  readonly reason: "not_declared";
}

export interface DeleteSetAction {
  readonly kind: "delete-set";
  readonly setId: string;
  readonly before: readonly LiveKey[];
  readonly reason: "set_not_declared";
}

/** Why a key is created: new in the spec, or managed but deleted outside keysync. */
export type CreateReason = "new" | "deleted_outside";

/** Why a live key under a declared kid must be replaced. Several may hold at once. */
export type ReplaceReason =
  | "kty_changed"
  | "alg_changed"
  | "use_changed"
  /** A `source` key whose live thumbprint differs from the material's. */
  | "material_changed"
  /** A `source` key whose private part is live but should not be, or the other way round. */
  | "private_part_changed"
  /** A generated or imported key whose live thumbprint differs from the one keysync recorded. */
  | "replaced_outside"
  /** A live key under a declared kid that keysync never recorded: someone else put it there. */
  | "foreign";

/**
 * A plan error or warning. `code` is stable (policy tools and tests match on it); `message` is
 * for people. Messages name sets and kids, never key material.
 */
export interface PlanProblem {
  readonly code: PlanProblemCode;
  readonly setId: string;
  readonly kid: string | null;
  readonly message: string;
}

export type PlanProblemCode =
  // errors
  | "unmanaged_set_exists"
  | "reserved_set_delete"
  | "unaddressable_kid"
  // warnings
  | "signer_change"
  | "delete_verifying_key"
  | "enc_private_key_in_signing_set"
  | "oct_key_in_signing_set"
  | "no_private_key_between_steps";

/** True for entries the applier executes. */
export function isAction(entry: PlanEntry): entry is Action {
  return entry.kind !== "no-op";
}
