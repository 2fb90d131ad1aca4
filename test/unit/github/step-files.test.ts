import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appendStepOutputs,
  appendStepSummary,
  formatStepOutputs,
  STEP_SUMMARY_MAX_BYTES,
} from "../../../src/cli/github/step-files.js";
import { toPlanJson } from "../../../src/render/plan-json.js";
import { renderPlanMarkdown } from "../../../src/render/plan-markdown.js";
import { LARGE_SCENARIO } from "../../support/plan-scenarios.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keysync-step-files-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("$GITHUB_OUTPUT", () => {
  it("writes name=value lines and appends to what earlier steps wrote", async () => {
    const path = join(dir, "output");
    writeFileSync(path, "earlier=1\n");
    await appendStepOutputs(path, { has_changes: "true", add: "2" });
    expect(readFileSync(path, "utf8")).toBe("earlier=1\nhas_changes=true\nadd=2\n");
  });

  it("uses a random heredoc delimiter for a value with line breaks", () => {
    const text = formatStepOutputs({ note: "a\nname=b" });
    const m = /^note<<(ghadelimiter_[0-9a-f-]{36})\na\nname=b\n\1\n$/.exec(text);
    expect(m).not.toBeNull();
  });

  it("refuses an output name it could not write safely", () => {
    expect(() => formatStepOutputs({ "a=b": "1" })).toThrow(/invalid step output name/);
  });
});

describe("$GITHUB_STEP_SUMMARY", () => {
  const json = toPlanJson(LARGE_SCENARIO.plan);

  it("appends after what the step already wrote, separated by a blank line", async () => {
    const path = join(dir, "summary");
    writeFileSync(path, "# Earlier\n");
    expect(await appendStepSummary(path, () => "## keysync\n")).toBe(true);
    expect(readFileSync(path, "utf8")).toBe("# Earlier\n\n## keysync\n");
  });

  it("never lets the file pass 1024k, cutting the plan to the room left", async () => {
    const path = join(dir, "summary");
    writeFileSync(path, "x".repeat(STEP_SUMMARY_MAX_BYTES - 30_000));
    expect(await appendStepSummary(path, (maxChars) => renderPlanMarkdown(json, { maxChars }))).toBe(true);
    expect(statSync(path).size).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
    expect(readFileSync(path, "utf8")).toContain("more lines not shown");
  });

  it("counts bytes, not characters", async () => {
    const path = join(dir, "summary");
    writeFileSync(path, "x".repeat(STEP_SUMMARY_MAX_BYTES - 20_000));
    // Three UTF-8 bytes per character: a renderer honouring maxChars alone would overflow.
    const wide = (maxChars: number): string => "€".repeat(Math.min(maxChars, 15_000));
    expect(await appendStepSummary(path, wide)).toBe(true);
    expect(statSync(path).size).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
  });

  it("writes nothing when the summary is already full", async () => {
    const path = join(dir, "summary");
    writeFileSync(path, "x".repeat(STEP_SUMMARY_MAX_BYTES - 100));
    expect(await appendStepSummary(path, () => "## keysync\n")).toBe(false);
    expect(statSync(path).size).toBe(STEP_SUMMARY_MAX_BYTES - 100);
  });
});
