import { describe, expect, it } from "vitest";
import { plain } from "../../../src/cli/style.js";
import { toPlanJson } from "../../../src/render/plan-json.js";
import { renderPlanText } from "../../../src/render/plan-text.js";
import { SCENARIOS } from "../../support/plan-scenarios.js";

// Update with `npx vitest run test/unit/render -u` and review the diff; CI refuses new snapshots.
describe.each(SCENARIOS)("golden plan $name", ({ name, plan }) => {
  const json = toPlanJson(plan);
  it("renders JSON", async () => {
    await expect(`${JSON.stringify(json, null, 2)}\n`).toMatchFileSnapshot(
      `../../golden/plan/${name}/plan.json`,
    );
  });
  it("renders text", async () => {
    await expect(renderPlanText(json, plain)).toMatchFileSnapshot(`../../golden/plan/${name}/plan.txt`);
  });
});
