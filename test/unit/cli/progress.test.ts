import { describe, expect, it } from "vitest";
import { progressHooks } from "../../../src/cli/progress.js";
import { plain } from "../../../src/cli/style.js";
import type { GenerateAction } from "../../../src/plan/types.js";
import { generated } from "../../support/builders.js";
import { plannedFacts } from "../../../src/plan/diff-set.js";

const action: GenerateAction = {
  kind: "generate",
  setId: "s",
  kid: "k",
  alg: "ES256",
  use: "sig",
  after: plannedFacts(generated("k")),
  reason: "new",
};

function stream(isTTY: boolean) {
  let text = "";
  return { write: (s: string) => void (text += s), isTTY, text: () => text };
}

describe("apply progress on stderr", () => {
  it("writes one append-only line per event in CI and pipes", () => {
    const out = stream(false);
    const hooks = progressHooks(out, plain, 1);
    hooks.onStep(action, "generating");
    hooks.onDone(action, { thumbprint: "T" });
    expect(out.text()).toBe("s/k: Generating on Ory...\ns/k: Created [thumbprint T]\n");
  });

  it("keeps the step in flight on one live line on a terminal, and completions on their own lines", () => {
    const out = stream(true);
    const hooks = progressHooks(out, plain, 2);
    hooks.onStep(action, "generating");
    hooks.onFailed(action, "Ory refused it");
    expect(out.text()).toBe("\r\x1b[K[1/2] s/k: Generating on Ory...\r\x1b[Ks/k: Failed: Ory refused it\n");
  });

  it("explains a settled write from an interrupted run", () => {
    const out = stream(false);
    progressHooks(out, plain, 0).onSettled({
      intent: { op: "generate-key", setId: "s", kid: "k", alg: "ES256", use: "sig" },
      outcome: "done",
    });
    expect(out.text()).toContain(
      "s/k: an interrupted earlier run left this write unfinished; reading Ory shows it was generated",
    );
  });
});
