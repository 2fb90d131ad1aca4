import type { Style } from "../cli/style.js";
import type { KeyJson, PlanJson, ResourceChangeJson, SetJson } from "./plan-json.js";
import { hasChanges } from "./plan-json.js";
import { escapeUnsafeInline } from "../text/unsafe-characters.js";
import { hidesThumbprint } from "../jwk/describe-key.js";

/**
 * The human plan (contract §6): Terraform-shaped blocks per change, sets sorted by ID and each
 * set's changes in execution order, then who signs after apply, warnings, and the summary line.
 * No-ops are not shown. The last line is `Plan: …` or `No changes.`.
 */
export function renderPlanText(plan: PlanJson, style: Style): string {
  const out: string[] = [];
  const changes = plan.resource_changes.filter((c) => c.change.actions[0] !== "no-op");

  if (changes.length > 0) {
    out.push(`keysync will perform the following actions on ${plan.target}:`, "");
    for (const change of changes) out.push(...renderChange(change, style), "");
  }
  for (const set of plan.forgotten) {
    out.push(
      `keysync will forget set ${set}: it is gone from Ory and from the spec (state only, no request).`,
    );
  }
  if (plan.forgotten.length > 0) out.push("");

  // Sets that never sign (public keys only) have nothing to say here.
  const signers = plan.signers.filter((s) => s.before !== null || s.after !== null);
  if (signers.length > 0) {
    out.push(changes.length > 0 ? "Signing keys after apply:" : "Signing keys:");
    const width = Math.max(...signers.map((s) => s.set.length));
    for (const s of signers) {
      const now = s.before ?? "(none)";
      const line = s.changes ? `${now} -> ${s.after ?? "(none)"}` : now;
      out.push(`  ${s.set.padEnd(width)}  ${s.changes ? style("yellow", line) : line}`);
    }
    out.push("");
  }

  for (const w of plan.warnings) out.push(`${style("yellow", "Warning:")} ${w.set}: ${w.message}`);
  if (plan.warnings.length > 0) out.push("");
  for (const e of plan.errors) out.push(`${style("red", "Error:")} ${e.message}`);
  if (plan.errors.length > 0) out.push("");

  if (plan.errors.length > 0) {
    const n = plan.errors.length;
    out.push(style("bold", `keysync cannot make this plan: ${count(n, "error")} above.`));
  } else if (hasChanges(plan)) {
    const { add, change, destroy } = plan.summary;
    out.push(`${style("bold", "Plan:")} ${add} to add, ${change} to change, ${destroy} to destroy.`);
  } else {
    const keys = plan.resource_changes.length;
    const sets = new Set(plan.resource_changes.map((c) => c.set)).size;
    out.push(`Ory matches the spec (${count(sets, "set")}, ${count(keys, "key")}).`);
    out.push(style("bold", "No changes."));
  }
  return `${out.join("\n")}\n`;
}

function renderChange(change: ResourceChangeJson, style: Style): string[] {
  const { actions, before, after } = change.change;
  const header = (glyph: string, colour: "green" | "red" | "yellow", what: string): string[] => [
    style("dim", `  # ${change.address} ${what}`),
    `${style(colour, glyph.padStart(3))} ${change.type === "ory_json_web_key_set" ? "key_set" : "key"} "${change.address}" {`,
  ];
  const reasons = change.action_reasons
    .filter((r) => r !== "new")
    .map(describeReason)
    .join("; ");
  const because = reasons === "" ? "" : `: ${reasons}`;
  switch (actions.join(",")) {
    case "create": {
      const how =
        after?.origin === "generated" ? "Ory generates it" : `uploaded from ${after?.source ?? "its source"}`;
      return [
        ...header("+", "green", `will be created (${how})${because}`),
        ...attributes(null, after, "+", style),
        "    }",
      ];
    }
    case "delete,create":
      return [
        ...header(
          "-/+",
          "yellow",
          `must be replaced: ${reasons}; deleted first, then Ory generates it (Ory cannot generate over an existing kid)`,
        ),
        ...attributes(asKey(before), after, "~", style),
        "    }",
      ];
    case "create,delete":
      return [
        ...header(
          "+/-",
          "yellow",
          `must be replaced: ${reasons}; uploaded in place from ${after?.source ?? "its source"} (one atomic PUT)`,
        ),
        ...attributes(asKey(before), after, "~", style),
        "    }",
      ];
    case "delete":
      if (change.type === "ory_json_web_key_set") {
        const keys = (before as SetJson | null)?.keys ?? [];
        return [
          ...header("-", "red", `will be deleted with its ${count(keys.length, "key")}: ${reasons}`),
          ...keys.map((k) => `      ${style("red", "-")} key "${k.kid}" (${summary(k)})`),
          "    }",
        ];
      }
      return [
        ...header("-", "red", `will be deleted: ${reasons}`),
        ...attributes(asKey(before), null, "-", style),
        "    }",
      ];
    default:
      return [];
  }
}

const SHOWN: readonly (keyof KeyJson)[] = [
  "kty",
  "alg",
  "use",
  "crv",
  "size",
  "thumbprint",
  "has_private",
  "source",
];

/** Attribute lines: all of them for a create or delete; for a replace, changed ones marked `~`. */
function attributes(before: KeyJson | null, after: KeyJson | null, glyph: string, style: Style): string[] {
  const lines: string[] = [];
  const width = Math.max(...SHOWN.map((name) => label(name).length));
  for (const name of SHOWN) {
    const was = before === null ? undefined : before[name];
    const will = after === null ? undefined : after[name];
    if (
      (was === undefined || was === null) &&
      (will === undefined || will === null) &&
      !(name === "thumbprint" && after !== null)
    )
      continue;
    const key = label(name).padEnd(width);
    if (name === "thumbprint" && [before, after].some((k) => k !== null && hidesThumbprint(k.kty))) {
      // A symmetric key's fingerprint stays in the plan file for the check at apply, never here.
      const hidden = "(symmetric key: not shown)";
      if (before === null || after === null) {
        lines.push(`      ${style(glyph === "+" ? "green" : "red", glyph)} ${key} = ${hidden}`);
      } else if (String(was) === String(will)) lines.push(`        ${key} = ${hidden}`);
      else lines.push(`      ${style("yellow", glyph)} ${key} = ${hidden} -> ${hidden}`);
      continue;
    }
    if (before !== null && after !== null) {
      if (name === "source") lines.push(`        ${key} = ${value(will)}`);
      else if (String(was) === String(will)) lines.push(`        ${key} = ${value(was)}`);
      else lines.push(`      ${style("yellow", glyph)} ${key} = ${value(was)} -> ${value(will, name)}`);
    } else {
      const colour = glyph === "+" ? "green" : "red";
      lines.push(`      ${style(colour, glyph)} ${key} = ${value(after === null ? was : will, name)}`);
    }
  }
  return lines;
}

function label(name: keyof KeyJson): string {
  return name === "has_private" ? "private" : name;
}

function value(v: unknown, name?: keyof KeyJson): string {
  if ((v === null || v === undefined) && (name === "thumbprint" || name === "size"))
    return "(known after apply)";
  if (v === null || v === undefined) return "null";
  // JSON-quoted like Terraform shows strings, and nothing in it can drive the terminal.
  return escapeUnsafeInline(JSON.stringify(v));
}

function asKey(v: KeyJson | SetJson | null): KeyJson | null {
  return v === null || "keys" in v ? null : v;
}

function summary(k: KeyJson): string {
  return [k.alg ?? k.kty, k.use, k.has_private ? "private" : "public"].filter((x) => x !== null).join(" ");
}

function count(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

const REASONS: Readonly<Record<string, string>> = {
  deleted_outside: "managed by keysync but deleted outside it",
  kty_changed: "key type changed",
  alg_changed: "alg changed",
  use_changed: "use changed",
  material_changed: "key material changed",
  private_part_changed: "private part changed",
  replaced_outside: "replaced outside keysync (live thumbprint differs from the state)",
  foreign: "a key keysync did not create holds this kid",
  not_declared: "not declared in the spec",
  set_not_declared: "the set is no longer declared in the spec",
};

export function describeReason(code: string): string {
  return REASONS[code] ?? code.replaceAll("_", " ");
}
