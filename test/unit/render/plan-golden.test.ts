import { describe, expect, it } from "vitest";
import { plain } from "../../../src/cli/style.js";
import { toPlanJson } from "../../../src/render/plan-json.js";
import { renderPlanText } from "../../../src/render/plan-text.js";
import { expectValidPlanJson } from "../../support/plan-schema.js";
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

describe("the JSON plan schema", () => {
  it.each(SCENARIOS)("accepts golden plan $name", ({ plan }) => {
    expectValidPlanJson(JSON.parse(JSON.stringify(toPlanJson(plan))));
  });

  it("rejects a key carrying a private member", () => {
    const [first] = SCENARIOS;
    if (first === undefined) throw new Error("no scenarios");
    const json = JSON.parse(JSON.stringify(toPlanJson(first.plan))) as {
      resource_changes: { change: { after: Record<string, unknown> } }[];
    };
    const change = json.resource_changes[0];
    if (change === undefined) throw new Error("no resource change");
    change.change.after["d"] = "secret";
    expect(() => {
      expectValidPlanJson(json);
    }).toThrow();
  });
});
