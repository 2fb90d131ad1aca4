import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { toDiffLines } from "../../../src/render/diff-lines.js";
import { MIN_MARKDOWN_CHARS } from "../../../src/render/markdown-document.js";
import { codeSpan, escapeText, markerValue } from "../../../src/render/markdown-escape.js";
import { toPlanJson } from "../../../src/render/plan-json.js";
import type { PlanJson } from "../../../src/render/plan-json.js";
import { renderApplyMarkdown, renderPlanMarkdown } from "../../../src/render/plan-markdown.js";
import {
  desiredSet,
  generated,
  liveKey,
  liveMap,
  managedOf,
  managedSet,
  present,
  state,
} from "../../support/builders.js";
import { planFor } from "../../support/plan-for.js";
import { LARGE_SCENARIO, SCENARIOS } from "../../support/plan-scenarios.js";

function scenario(name: string): PlanJson {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no scenario ${name}`);
  return toPlanJson(found.plan);
}

/** 150 sets, each rotating its signer: lists and warnings alone overflow a comment. */
const rotations = toPlanJson(
  planFor(
    Array.from({ length: 150 }, (_, i) =>
      desiredSet(`prod-${i}`, [generated(`new-${i}`), generated(`next-${i}`)]),
    ),
    liveMap(...Array.from({ length: 150 }, (_, i) => present(`prod-${i}`, [liveKey(`old-${i}`)]))),
    state(
      ...Array.from({ length: 150 }, (_, i) => managedSet(`prod-${i}`, [managedOf(liveKey(`old-${i}`))])),
    ),
  ),
);

const MARKER = /^<!-- keysync:plan target=\S+ -->\n/;

describe("Markdown escaping", () => {
  it("keeps any text inside one code span", () => {
    expect(codeSpan("a")).toBe("`a`");
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`x``")).toBe("``` `x`` ```");
    expect(codeSpan("a|b", true)).toBe("`a\\|b`");
    expect(codeSpan("a\nb")).toBe("`a b`");
  });

  it("makes prose inert", () => {
    expect(escapeText("# not a heading")).toBe("\\# not a heading");
    expect(escapeText("<img src=x onerror=alert(1)> *x* [l](u) a|b & c")).toBe(
      "\\<img src=x onerror=alert(1)\\> \\*x\\* \\[l\\](u) a\\|b \\& c",
    );
    expect(escapeText("1. item\nline")).toBe("1\\. item line");
  });

  it("keeps the marker one token that cannot close its comment", () => {
    expect(markerValue("http://h/a b-->c<d%")).toBe("http://h/a%20b-%2D%3Ec%3Cd%25");
    expect(markerValue("a---b")).not.toContain("--");
  });
});

describe("the diff block", () => {
  it("moves change glyphs to column 0 the way Atlantis does, keeping columns", () => {
    const text = [
      "  # a/b will be created",
      '  + key "a/b" {',
      '      + kty        = "EC"',
      '-/+ key "a/c" {',
      '      ~ thumbprint = "x" -> "y"',
      '+/- key "a/d" {',
      '  - key_set "e" {',
      '      - key "k" (ES256 sig private)',
      "    }",
      "  -  k1",
      "",
    ].join("\n");
    expect(toDiffLines(text)).toEqual([
      "  # a/b will be created",
      '+   key "a/b" {',
      '+       kty        = "EC"',
      '!   key "a/c" {',
      '!       thumbprint = "x" -> "y"',
      '!   key "a/d" {',
      '-   key_set "e" {',
      '-       key "k" (ES256 sig private)',
      "    }",
      "  -  k1",
    ]);
  });
});

describe("the comment", () => {
  it("warns prominently on destroys and signer cut-overs, and not on a first signer", () => {
    expect(renderPlanMarkdown(scenario("003-rotation"))).toContain(
      "### :warning: Keys will be destroyed :warning:",
    );
    expect(renderPlanMarkdown(scenario("003-rotation"))).toContain(
      "### :warning: The signing key changes :warning:",
    );
    const created = renderPlanMarkdown(scenario("001-new-sets"));
    expect(created).not.toContain(":warning:");
  });

  it("puts the import hint of a failed plan first, with the command as code", () => {
    const md = renderPlanMarkdown(scenario("007-import-hint"));
    expect(md).toMatch(/^<!-- keysync:plan target=http:\/\/127\.0\.0\.1:4445 -->\n## :x: keysync plan for/);
    expect(md).toContain("to adopt it, run `keysync import token-signing`");
  });

  it("cuts the details first, saying how much and where the rest is", () => {
    const md = renderPlanMarkdown(toPlanJson(LARGE_SCENARIO.plan), {
      maxChars: 20_000,
      fullPlanHint: "See the job summary.",
    });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toContain("**Plan: 360 to add, 0 to change, 0 to destroy.**");
    expect(md).toMatch(
      /_… [\d,]+ more lines not shown: this Markdown is capped at 20,000 characters\. See the job summary\._/,
    );
    expect(md).toContain("`tenant-119/tenant-119-c`");
  });

  it("then drops the details and shortens every list when the lists alone are too long", () => {
    const md = renderPlanMarkdown(rotations, { maxChars: 10_000 });
    expect(md.length).toBeLessThanOrEqual(10_000);
    expect(md).toContain("**Plan: 300 to add, 0 to change, 150 to destroy.**");
    expect(md).not.toContain("<details>");
    expect(md).toMatch(/_The full plan \([\d,]+ lines\) is not shown/);
    expect(md).toMatch(/ {2}\* … and \d+ more\n/);
    expect(md).toMatch(/… and \d+ more sets/);
  });

  test.prop(
    [
      fc.integer({ min: 0, max: 250_000 }),
      fc.constantFrom(LARGE_SCENARIO.plan, ...SCENARIOS.map((s) => s.plan)),
    ],
    {
      numRuns: 60,
    },
  )("is never over the cap, and keeps the marker and the counts line", (maxChars, plan) => {
    const json = toPlanJson(plan);
    for (const json2 of [json, rotations]) {
      const md = renderPlanMarkdown(json2, { maxChars });
      expect(md.length).toBeLessThanOrEqual(Math.max(maxChars, MIN_MARKDOWN_CHARS));
      expect(md).toMatch(MARKER);
      expect(md).toMatch(
        /\n\*\*(Plan: \d+ to add, 0 to change, \d+ to destroy\.|No changes\.|keysync cannot make this plan: \d+ errors?\.)\*\*/,
      );
    }
  });

  test.prop(
    [
      fc.string({ maxLength: 80 }),
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 80 }),
    ],
    { numRuns: 300 },
  )(
    "user text cannot open HTML, end the marker, break a table or close the code block",
    (target, set, kid, message) => {
      const base = scenario("003-rotation");
      const json: PlanJson = {
        ...base,
        target,
        resource_changes: base.resource_changes.map((c) => ({ ...c, set, address: `${set}/${kid}`, kid })),
        signers: base.signers.map((s) => ({ ...s, set, before: kid, after: `${kid}|x` })),
        warnings: [{ set, kid, code: "w", message }],
        errors: [],
      };
      const md = renderPlanMarkdown(json);
      const [marker = ""] = md.split("\n");
      expect(marker.match(/-->/g)).toHaveLength(1);
      expect(marker.slice(4, -3)).not.toContain("--");
      // Outside code, a raw `<` only opens keysync's own tags.
      const outsideCode = md
        .slice(marker.length)
        .replace(/^(`{3,})diff\n[\s\S]*?^\1$/m, "")
        .replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
      for (const m of outsideCode.matchAll(/(?<!\\)</g)) {
        expect(outsideCode.slice(m.index)).toMatch(
          /^<(!-- keysync:plan|details>|summary>|\/summary>|\/details>)/,
        );
      }
      // Every table row has exactly four unescaped pipes.
      for (const row of md.split("\n").filter((l) => l.startsWith("| `") || l.startsWith("| ``"))) {
        expect(row.replace(/\\\|/g, "").match(/\|/g)).toHaveLength(4);
      }
      // The diff block's fence is closed only by the fence line keysync wrote.
      const fence = /^(`{3,})diff$/m.exec(md)?.[1] ?? "```";
      const closers = md
        .split("\n")
        .filter((l) => /^ {0,3}`{3,}\s*$/.test(l) && l.trim().length >= fence.length);
      expect(closers).toEqual([fence]);
    },
  );
});

describe("the apply comment", () => {
  const json = scenario("003-rotation");

  it("leads with the result under its own marker", () => {
    const md = renderApplyMarkdown(json, {
      done: ["token-signing/sig-2026-11", "token-signing/sig-2026-05"],
      failed: [],
      notAttempted: [],
      interrupted: false,
    });
    expect(md).toMatch(
      /^<!-- keysync:apply target=http:\/\/127\.0\.0\.1:4445 -->\n## keysync apply for `http:\/\/127\.0\.0\.1:4445`\n\n:white_check_mark: \*\*Apply complete! Keys: 1 added, 0 changed, 1 destroyed\.\*\*\n\n\*\*Plan: 1 to add/,
    );
  });

  it("lists what failed and what was not attempted", () => {
    const md = renderApplyMarkdown(json, {
      done: [],
      failed: [{ address: "token-signing/sig-2026-11", message: "Ory answered 500 <html>" }],
      notAttempted: ["token-signing/sig-2026-05"],
      interrupted: false,
    });
    expect(md).toContain("## :x: keysync apply for `http://127.0.0.1:4445` failed");
    expect(md).toContain("**Apply failed: 0 done, 1 failed, 1 not attempted.**");
    expect(md).toContain("- `token-signing/sig-2026-11`: Ory answered 500 \\<html\\>");
    expect(md).toContain("#### Not attempted\n- `token-signing/sig-2026-05`");
  });

  it("says nothing was applied when the plan failed", () => {
    const md = renderApplyMarkdown(scenario("007-import-hint"), null);
    expect(md).toContain("Nothing was applied.");
    expect(md).toContain("### :x: Errors");
  });
});
