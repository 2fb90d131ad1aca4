/**
 * The Rego rules of docs/policy/*.rego, line for line in TypeScript, so keysync's tests can run
 * them on its real JSON plans (OPA itself is not installable here). Each function reads the plan
 * as untyped JSON through exactly the paths the Rego reads, and returns the Rego `deny` set.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `x.path`: undefined when any step is missing, as in Rego. */
function get(value: Json | undefined, ...path: string[]): Json | undefined {
  let at = value;
  for (const step of path) {
    if (at === null || at === undefined || typeof at !== "object" || Array.isArray(at)) return undefined;
    at = at[step];
  }
  return at;
}

/** A value as Rego's `sprintf("%s")` and `concat` print it: strings bare, the rest as JSON. */
function str(value: Json | undefined): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

/** `some x in value` over an array (nothing when it is not one). */
function each(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** `needle in haystack` for an array. */
function member(needle: Json, haystack: Json | undefined): boolean {
  return each(haystack).some((x) => x === needle);
}

// --- docs/policy/no_prod_deletes.rego ---------------------------------------------------------

// key_types := {"ory_json_web_key", "ory_json_web_key_set"}
const KEY_TYPES: readonly Json[] = ["ory_json_web_key", "ory_json_web_key_set"];

export function noProdDeletes(input: Json): Set<string> {
  const deny = new Set<string>();
  for (const rc of each(get(input, "resource_changes"))) {
    // some rc in input.resource_changes
    const type = get(rc, "type");
    if (type === undefined || !KEY_TYPES.includes(type)) continue; // rc.type in key_types
    const actions = get(rc, "change", "actions");
    if (!member("delete", actions)) continue; // "delete" in rc.change.actions
    const set = get(rc, "set");
    if (typeof set !== "string" || !set.startsWith("prod-")) continue; // startswith(rc.set, "prod-")
    const address = get(rc, "address");
    deny.add(
      `${str(address)}: CI may not delete key material in the prod-* set ${set} (actions: ${each(actions).map(str).join(",")}); apply it by hand after review`,
    );
  }
  return deny;
}

// --- docs/policy/signer_change_label.rego -----------------------------------------------------

// signer_change_label := "keysync/signer-change"
export const SIGNER_CHANGE_LABEL = "keysync/signer-change";

export function signerChangeNeedsLabel(input: Json, data: Json = {}): Set<string> {
  const deny = new Set<string>();
  // signer_change_approved if signer_change_label in data.pull_request.labels
  const approved = member(SIGNER_CHANGE_LABEL, get(data, "pull_request", "labels"));
  for (const s of each(get(input, "signers"))) {
    // some s in input.signers
    if (get(s, "changes") !== true) continue; // s.changes
    const before = get(s, "before");
    if (before === null || before === undefined) continue; // s.before != null
    if (approved) continue; // not signer_change_approved
    const after = get(s, "after");
    deny.add(
      `${str(get(s, "set"))}: the signer changes from ${str(before)} to ${after === null ? "(none)" : str(after)}; add the ${SIGNER_CHANGE_LABEL} label to approve the cut-over`,
    );
  }
  return deny;
}
