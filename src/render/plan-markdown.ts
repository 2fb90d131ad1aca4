import type { ApplyResult } from "../apply/apply-result.js";
import type { Style } from "../cli/style.js";
import { toDiffLines } from "./diff-lines.js";
import type { Block, MarkdownDocument } from "./markdown-document.js";
import { count, fitDocument } from "./markdown-document.js";
import { clip, codeSpan, escapeText, markerValue } from "./markdown-escape.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import { hasChanges } from "./plan-json.js";
import { renderPlanText } from "./plan-text.js";

/** GitHub refuses comments over 65,536 characters; stay well under it, as changesets/action does. */
export const COMMENT_MAX_CHARS = 60_000;

export interface MarkdownOptions {
  /** Size cap in characters (default `COMMENT_MAX_CHARS`); at least `MIN_MARKDOWN_CHARS`. */
  readonly maxChars?: number;
  /** A sentence (Markdown) saying where the uncut plan is, shown when the plan had to be cut. */
  readonly fullPlanHint?: string;
}

/** Markdown never carries ANSI: the text plan inside it is rendered unstyled. */
const unstyled: Style = (_name, text) => text;

const DEFAULT_HINT = "The full plan is in the job summary of this run, or run `keysync plan` locally.";
/** Long enough for any real URL; a longer one would crowd out the counts line. */
const MAX_TARGET_CHARS = 300;

/**
 * The plan as a pull-request comment, in the shape reviewers know from tfcmt and Atlantis: a
 * hidden marker (`<!-- keysync:plan target=… -->`, so a workflow can update its comment in
 * place), a title naming the target, the counts line, a prominent warning when keys are destroyed,
 * a signer changes or the plan failed, the addresses to create, replace and delete, the signer
 * table, the warnings, and the full text plan folded in `<details>` as a `diff` block. Pure; no
 * ANSI; every user-controlled string escaped. Never longer than `options.maxChars`: the details
 * are cut first (with a note saying where the full plan is), the head never.
 */
export function renderPlanMarkdown(json: PlanJson, options: MarkdownOptions = {}): string {
  const failed = json.errors.length > 0;
  const doc: MarkdownDocument = {
    head: [...title("plan", json.target, failed), countsLine(json)],
    blocks: [...errorBlocks(json), ...planBlocks(json)],
    details: details(json, options),
  };
  return fitDocument(doc, options.maxChars ?? COMMENT_MAX_CHARS);
}

/**
 * `apply --format markdown`: what was applied and how it went, then the plan it executed (as in
 * `renderPlanMarkdown`), under the marker `<!-- keysync:apply target=… -->`. `result` null: the
 * plan failed and nothing was applied.
 */
export function renderApplyMarkdown(
  json: PlanJson,
  result: ApplyResult | null,
  options: MarkdownOptions = {},
): string {
  const failed = result === null || result.failed.length > 0 || result.interrupted;
  const doc: MarkdownDocument = {
    head: [...title("apply", json.target, failed), ...resultLines(json, result), countsLine(json)],
    blocks: [...errorBlocks(json), ...resultBlocks(result), ...planBlocks(json)],
    details: details(json, options),
  };
  return fitDocument(doc, options.maxChars ?? COMMENT_MAX_CHARS);
}

function title(verb: "plan" | "apply", target: string, failed: boolean): string[] {
  const where = codeSpan(clip(target, MAX_TARGET_CHARS));
  return [
    `<!-- keysync:${verb} target=${markerValue(clip(target, MAX_TARGET_CHARS))} -->\n` +
      (failed ? `## :x: keysync ${verb} for ${where} failed` : `## keysync ${verb} for ${where}`),
  ];
}

function countsLine(json: PlanJson): string {
  if (json.errors.length > 0)
    return `**keysync cannot make this plan: ${count(json.errors.length, "error")}.**`;
  if (!hasChanges(json)) {
    const sets = new Set(json.resource_changes.map((c) => c.set)).size;
    return `**No changes.** Ory matches the spec (${count(sets, "set")}, ${count(json.resource_changes.length, "key")}).`;
  }
  const { add, change, destroy } = json.summary;
  return `**Plan: ${add} to add, ${change} to change, ${destroy} to destroy.**`;
}

function resultLines(json: PlanJson, result: ApplyResult | null): string[] {
  if (result === null) return ["Nothing was applied."];
  const { done, failed, notAttempted, interrupted } = result;
  if (failed.length === 0 && !interrupted) {
    if (!hasChanges(json)) return [];
    const { add, destroy } = json.summary;
    return [`:white_check_mark: **Apply complete! Keys: ${add} added, 0 changed, ${destroy} destroyed.**`];
  }
  return [
    `**Apply ${interrupted ? "interrupted" : "failed"}: ${done.length} done, ${failed.length} failed, ${notAttempted.length} not attempted.** ` +
      "The state file records every completed action; run `keysync apply` again to continue.",
  ];
}

function errorBlocks(json: PlanJson): Block[] {
  if (json.errors.length === 0) return [];
  return [
    { kind: "list", title: "### :x: Errors", bullet: "- ", items: json.errors.map((e) => prose(e.message)) },
  ];
}

function resultBlocks(result: ApplyResult | null): Block[] {
  if (result === null) return [];
  const blocks: Block[] = [];
  if (result.failed.length > 0) {
    const items = result.failed.map((f) => `${codeSpan(f.address)}: ${prose(f.message)}`);
    blocks.push({ kind: "list", title: "### :x: Failed", bullet: "- ", items });
  }
  if (result.notAttempted.length > 0) {
    const items = result.notAttempted.map((a) => codeSpan(a));
    blocks.push({ kind: "list", title: "#### Not attempted", bullet: "- ", items });
  }
  return blocks;
}

function planBlocks(json: PlanJson): Block[] {
  const changes = json.resource_changes.filter((c) => c.change.actions[0] !== "no-op");
  const deleted = changes.filter((c) => c.change.actions.length === 1 && c.change.actions[0] === "delete");
  const replaced = changes.filter((c) => c.change.actions.length === 2);
  const created = changes.filter((c) => c.change.actions.length === 1 && c.change.actions[0] === "create");
  // A new set's first signer cuts nothing over; an existing signer replaced or removed does.
  const cutOver = json.signers.filter((s) => s.changes && s.before !== null);
  const blocks: Block[] = [];

  if (json.summary.destroy > 0) {
    blocks.push({
      kind: "text",
      text:
        "### :warning: Keys will be destroyed :warning:\n" +
        `This plan destroys ${destroyed(deleted, replaced.length)}. ` +
        "Tokens signed with a destroyed key stop verifying once verifiers refresh the JWKS. " +
        "Please check the plan carefully!",
    });
  }
  if (cutOver.length > 0) {
    blocks.push({
      kind: "list",
      title:
        "### :warning: The signing key changes :warning:\n" +
        "Ory signs new tokens with the new signer as soon as it is written; verifiers that cache the JWKS must already trust it.",
      bullet: "- ",
      items: cutOver.map((s) => `${codeSpan(s.set)}: ${kid(s.before)} → ${kid(s.after)}`),
    });
  }

  const lists: Block[] = [
    addressList("Create", created),
    addressList("Replace", replaced),
    addressList("Delete", deleted),
    {
      kind: "list",
      title: json.forgotten.length > 0 ? "* Forget (state only, no request)" : null,
      bullet: "  * ",
      items: json.forgotten.map((s) => codeSpan(s)),
    },
  ];
  blocks.push({ kind: "group", parts: lists });

  const signers = json.signers.filter((s) => s.before !== null || s.after !== null);
  if (signers.length > 0) {
    blocks.push({
      kind: "table",
      title: "#### Signing keys",
      header: "| Set | Signs now | Signs after apply |\n| --- | --- | --- |",
      rows: signers.map((s) => {
        const after = s.changes ? `**${kid(s.after, true)}**` : kid(s.after, true);
        const cutOver = s.changes && s.before !== null ? " :warning:" : "";
        return `| ${codeSpan(s.set, true)} | ${kid(s.before, true)} | ${after}${cutOver} |`;
      }),
      noun: "sets",
    });
  }
  if (json.warnings.length > 0) {
    const items = json.warnings.map((w) => `:warning: ${codeSpan(w.set)}: ${prose(w.message)}`);
    blocks.push({ kind: "list", title: "#### Warnings", bullet: "- ", items });
  }
  return blocks;
}

function addressList(verb: string, changes: readonly ResourceChangeJson[]): Block {
  const items = changes.map(
    (c) => codeSpan(c.address) + (c.type === "ory_json_web_key_set" ? " (whole set)" : ""),
  );
  return { kind: "list", title: items.length > 0 ? `* ${verb}` : null, bullet: "  * ", items };
}

function destroyed(deleted: readonly ResourceChangeJson[], replaced: number): string {
  const sets = deleted.filter((c) => c.type === "ory_json_web_key_set").length;
  const keys = deleted.length - sets;
  const parts = [
    ...(sets > 0 ? [count(sets, "whole set")] : []),
    ...(keys > 0 ? [count(keys, "key")] : []),
    ...(replaced > 0 ? [`the old material of ${count(replaced, "replaced key")}`] : []),
  ];
  return parts.length > 1
    ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1) ?? ""}`
    : (parts[0] ?? "nothing");
}

function kid(value: string | null, inTable = false): string {
  return value === null ? "_(none)_" : codeSpan(value, inTable);
}

/**
 * A message as inline Markdown: `code` segments keysync wrote become code spans, the rest is
 * escaped prose. Safe however the backticks pair up, since both kinds of segment are inert.
 */
function prose(message: string): string {
  return message
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 === 1 ? codeSpan(part) : escapeText(part)))
    .join("");
}

function details(json: PlanJson, options: MarkdownOptions): MarkdownDocument["details"] {
  return {
    what: "the full plan",
    language: "diff",
    lines: toDiffLines(renderPlanText(json, unstyled)),
    elsewhere: options.fullPlanHint ?? DEFAULT_HINT,
  };
}
