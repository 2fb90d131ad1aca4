import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toPlanJson } from "../../../src/render/plan-json.js";
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
import { SCENARIOS } from "../../support/plan-scenarios.js";
import { noProdDeletes, SIGNER_CHANGE_LABEL, signerChangeNeedsLabel } from "./policies.js";
import type { Json } from "./policies.js";

const golden = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../golden/plan/${name}/plan.json`, import.meta.url), "utf8")) as Json;
const rego = (file: string): string =>
  readFileSync(new URL(`../../../docs/policy/${file}`, import.meta.url), "utf8");
/** What `keysync plan --json` prints for a plan (the same function, the same document). */
const printed = (plan: Parameters<typeof toPlanJson>[0]): Json =>
  JSON.parse(JSON.stringify(toPlanJson(plan))) as Json;

const managed = (id: string, kids: string[]) =>
  managedSet(
    id,
    kids.map((k) => managedOf(liveKey(k))),
  );
const live = (id: string, kids: string[]) =>
  present(
    id,
    kids.map((k) => liveKey(k)),
  );

/** prod-api rotates (a delete), prod-old is dropped (a whole-set delete), staging-api rotates. */
const prodPlan = printed(
  planFor(
    [desiredSet("prod-api", [generated("new")]), desiredSet("staging-api", [generated("new")])],
    liveMap(live("prod-api", ["old"]), live("prod-old", ["x"]), live("staging-api", ["old"])),
    state(managed("prod-api", ["old"]), managed("prod-old", ["x"]), managed("staging-api", ["old"])),
  ),
);
/** prod-api gains a key and loses none: creates only. */
const prodAddOnly = printed(
  planFor(
    [desiredSet("prod-api", [generated("old"), generated("new")])],
    liveMap(live("prod-api", ["old"])),
    state(managed("prod-api", ["old"])),
  ),
);

describe("no deletes in prod-* sets (docs/policy/no_prod_deletes.rego)", () => {
  it("reads the plan through the same paths as the Rego", () => {
    const text = rego("no_prod_deletes.rego");
    for (const path of [
      "some rc in input.resource_changes",
      "rc.type in key_types",
      '"delete" in rc.change.actions',
      'startswith(rc.set, "prod-")',
      'key_types := {"ory_json_web_key", "ory_json_web_key_set"}',
    ])
      expect(text).toContain(path);
  });

  it("flags a key delete and a whole-set delete in prod-*, and nothing in staging", () => {
    expect([...noProdDeletes(prodPlan)].sort()).toEqual([
      "prod-api/old: CI may not delete key material in the prod-* set prod-api (actions: delete); apply it by hand after review",
      "prod-old: CI may not delete key material in the prod-* set prod-old (actions: delete); apply it by hand after review",
    ]);
  });

  it("passes creates in prod-* and every golden plan (none has a prod-* set)", () => {
    expect(noProdDeletes(prodAddOnly).size).toBe(0);
    for (const { name } of SCENARIOS) expect(noProdDeletes(golden(name)).size).toBe(0);
  });

  it("counts a replace as a delete, as Terraform policies do", () => {
    const text = JSON.stringify(golden("004-source-replaced")).replaceAll("partner-keys", "prod-partners");
    const replaced = JSON.parse(text) as Json;
    expect([...noProdDeletes(replaced)]).toEqual([
      "prod-partners/partner-a: CI may not delete key material in the prod-* set prod-partners (actions: create,delete); apply it by hand after review",
    ]);
  });
});

describe("a signer change needs a label (docs/policy/signer_change_label.rego)", () => {
  it("reads the plan and the labels through the same paths as the Rego", () => {
    const text = rego("signer_change_label.rego");
    for (const path of [
      "some s in input.signers",
      "s.changes",
      "s.before != null",
      "signer_change_label in data.pull_request.labels",
      `signer_change_label := "${SIGNER_CHANGE_LABEL}"`,
    ])
      expect(text).toContain(path);
  });

  it("flags exactly the golden plans that cut a signer over", () => {
    const flagged = SCENARIOS.filter(({ name }) => signerChangeNeedsLabel(golden(name)).size > 0).map(
      (s) => s.name,
    );
    expect(flagged).toEqual(["003-rotation", "006-set-deleted"]);
    expect([...signerChangeNeedsLabel(golden("006-set-deleted"))]).toEqual([
      "legacy: the signer changes from old-a to (none); add the keysync/signer-change label to approve the cut-over",
    ]);
  });

  it("passes once the pull request carries the label", () => {
    const data = { pull_request: { labels: ["docs", SIGNER_CHANGE_LABEL] } };
    expect(signerChangeNeedsLabel(golden("003-rotation"), data).size).toBe(0);
    expect(signerChangeNeedsLabel(prodPlan, { pull_request: { labels: ["docs"] } }).size).toBe(3);
  });
});
