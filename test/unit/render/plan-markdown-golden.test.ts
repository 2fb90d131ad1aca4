import { describe, expect, it } from "vitest";
import { toPlanJson } from "../../../src/render/plan-json.js";
import { COMMENT_MAX_CHARS, renderPlanMarkdown } from "../../../src/render/plan-markdown.js";
import { LARGE_SCENARIO, SCENARIOS } from "../../support/plan-scenarios.js";

// Update with `npx vitest run test/unit/render -u` and review the diff; CI refuses new snapshots.
describe.each([...SCENARIOS, LARGE_SCENARIO])("golden Markdown plan $name", ({ name, plan }) => {
  it("renders the pull-request comment", async () => {
    const markdown = renderPlanMarkdown(toPlanJson(plan));
    expect(markdown.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(markdown.includes("\u001b")).toBe(false);
    await expect(markdown).toMatchFileSnapshot(`../../golden/plan/${name}/plan.md`);
  });
});
