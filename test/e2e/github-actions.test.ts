import { readFileSync, writeFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { specYaml, worldPerTest } from "../support/e2e-kit.js";
import type { E2eWorld } from "../support/e2e-kit.js";
import { runnerCommands } from "../unit/github/runner-model.js";

let world: E2eWorld;
worldPerTest((w) => (world = w));

let step = 0;
/** A fresh step: empty summary and output files in the working directory (so the canary scans them). */
function actionsStep(): { env: Record<string, string>; summary: () => string; output: () => string } {
  step += 1;
  const summary = `step-${step}-summary.md`;
  const output = `step-${step}-output.txt`;
  writeFileSync(world.path(summary), "");
  writeFileSync(world.path(output), "");
  return {
    env: {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: world.path(summary),
      GITHUB_OUTPUT: world.path(output),
    },
    summary: () => readFileSync(world.path(summary), "utf8"),
    output: () => readFileSync(world.path(output), "utf8"),
  };
}

const createBlock = (kid: string): string[] => [
  `  # tokens/${kid} will be created (Ory generates it)`,
  `+   key "tokens/${kid}" {`,
  '+       kty        = "EC"',
  '+       alg        = "ES256"',
  '+       use        = "sig"',
  '+       crv        = "P-256"',
  "+       size       = 256",
  "+       thumbprint = (known after apply)",
  "+       private    = true",
  "    }",
  "",
];

/** The Markdown for creating tokens/a and tokens/b on `url`, as a plan or an apply. */
function createMarkdown(url: string, verb: "plan" | "apply"): string {
  return [
    `<!-- keysync:${verb} target=${url} -->`,
    `## keysync ${verb} for \`${url}\``,
    "",
    ...(verb === "apply"
      ? [":white_check_mark: **Apply complete! Keys: 2 added, 0 changed, 0 destroyed.**", ""]
      : []),
    "**Plan: 2 to add, 0 to change, 0 to destroy.**",
    "",
    "* Create",
    "  * `tokens/a`",
    "  * `tokens/b`",
    "",
    "#### Signing keys",
    "| Set | Signs now | Signs after apply |",
    "| --- | --- | --- |",
    "| `tokens` | _(none)_ | **`b`** |",
    "",
    "<details><summary>Show the full plan (28 lines)</summary>",
    "",
    "```diff",
    `keysync will perform the following actions on ${url}:`,
    "",
    ...createBlock("a"),
    ...createBlock("b"),
    "Signing keys after apply:",
    "  tokens  (none) -> b",
    "",
    "Plan: 2 to add, 0 to change, 0 to destroy.",
    "```",
    "",
    "</details>",
    "",
  ].join("\n");
}

describe("keysync in GitHub Actions (GITHUB_ACTIONS=true, built CLI)", () => {
  beforeEach(() => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256", "b:ES256"] }));
  });

  it("plan with changes: the comment Markdown in the summary, the counts in the outputs, the plan folded", async () => {
    const gh = actionsStep();
    const plan = await world.keysync(["plan", "--detailed-exitcode"], { env: gh.env });
    expect(plan.code).toBe(2);
    expect(gh.summary()).toBe(createMarkdown(world.server.url, "plan"));
    expect(gh.output()).toBe("has_changes=true\nadd=2\nchange=0\ndestroy=0\n");
    expect(plan.stdout).toMatch(/^::group::keysync plan: Plan: 2 to add, 0 to change, 0 to destroy\.\n/);
    expect(plan.stdout).toMatch(/\nPlan: 2 to add, 0 to change, 0 to destroy\.\n::endgroup::\n$/);
    expect(plan.stderr).toBe(`Reading 1 key set from ${world.server.url}...\n`);

    const markdown = await world.keysync(["plan", "--format", "markdown"], { env: actionsStep().env });
    expect(markdown).toMatchObject({ code: 0, stdout: createMarkdown(world.server.url, "plan") });
    expect(markdown.stderr).toContain("::group::keysync plan: Plan: 2 to add, 0 to change, 0 to destroy.\n");
  });

  it("apply, then a plan with no changes: exact summaries and outputs, progress folded", async () => {
    const gh = actionsStep();
    const apply = await world.keysync(["apply", "--auto-approve"], { env: gh.env });
    expect(apply.code).toBe(0);
    await world.learnKeys("tokens");
    expect(gh.summary()).toBe(createMarkdown(world.server.url, "apply"));
    expect(gh.output()).toBe("has_changes=true\nadd=2\nchange=0\ndestroy=0\n");
    expect(apply.stdout).toMatch(
      /::endgroup::\n\nApply complete! Keys: 2 added, 0 changed, 0 destroyed\.\n$/,
    );
    expect(apply.stderr).toMatch(
      /\n::group::keysync apply: 2 changes\ntokens\/a: Generating on Ory\.\.\.\n[\s\S]*tokens\/b: Created \[thumbprint [\w-]{43}\]\n::endgroup::\n$/,
    );

    const again = actionsStep();
    const plan = await world.keysync(["plan", "--detailed-exitcode"], { env: again.env });
    expect(plan.code).toBe(0);
    expect(again.output()).toBe("has_changes=false\nadd=0\nchange=0\ndestroy=0\n");
    const url = world.server.url;
    expect(again.summary()).toBe(
      [
        `<!-- keysync:plan target=${url} -->`,
        `## keysync plan for \`${url}\``,
        "",
        "**No changes.** Ory matches the spec (1 set, 2 keys).",
        "",
        "#### Signing keys",
        "| Set | Signs now | Signs after apply |",
        "| --- | --- | --- |",
        "| `tokens` | `b` | `b` |",
        "",
        "<details><summary>Show the full plan (5 lines)</summary>",
        "",
        "```diff",
        "Signing keys:",
        "  tokens  b",
        "",
        "Ory matches the spec (1 set, 2 keys).",
        "No changes.",
        "```",
        "",
        "</details>",
        "",
      ].join("\n"),
    );
    expect(plan.stdout).toBe(
      "::group::keysync plan: No changes.\nSigning keys:\n  tokens  b\n\nOry matches the spec (1 set, 2 keys).\nNo changes.\n::endgroup::\n",
    );
  });
});

describe("spec errors in GitHub Actions", () => {
  it("are annotated at their FILE:LINE:COLUMN, after the usual lines, by validate and plan", async () => {
    world.write(
      "keysets.yaml",
      "version: 1\nsets:\n  tokens:\n    keys:\n      - kid: a\n        alg: HS256\n",
    );
    const line =
      'keysets.yaml:6:14: alg "HS256" cannot be generated by Ory; bring an HMAC key with a source: file:… or env:KEYSYNC_…';
    const annotation =
      '::error file=keysets.yaml,line=6,col=14,title=Invalid keysync spec::alg "HS256" cannot be generated by Ory; bring an HMAC key with a source: file:… or env:KEYSYNC_…';
    for (const args of [["validate"], ["plan"]]) {
      const gh = actionsStep();
      const result = await world.keysync(args, { env: gh.env });
      expect(result).toMatchObject({ code: 1, stdout: "", stderr: `${line}\n${annotation}\n` });
      expect(gh.summary()).toBe("");
      expect(gh.output()).toBe("");
    }
    // Outside Actions the same run prints only the usual line.
    expect((await world.keysync(["validate"])).stderr).toBe(`${line}\n`);
  });
});

describe("a workflow-command injection in set IDs and kids", () => {
  const sets = ["::error::pwned", "::set-output", "::add-mask::x"];

  it("is rendered harmlessly in stdout, stderr, the summary and the outputs", async () => {
    world.write(
      "keysets.yaml",
      [
        "version: 1",
        "sets:",
        '  "::error::pwned":',
        '    keys: [{ kid: "::warning::kid", alg: ES256 }]',
        '  "::set-output":',
        '    keys: [{ kid: "::stop-commands::t", alg: ES256 }]',
        '  "::add-mask::x":',
        "    keys: [{ kid: k, alg: ES256 }]",
        "",
      ].join("\n"),
    );
    const runs = [
      ["validate"],
      ["plan"],
      ["plan", "--format", "markdown"],
      ["plan", "--json"],
      ["apply", "--auto-approve"],
      ["plan", "--detailed-exitcode"],
      // These print set IDs and kids at the start of a line.
      ["state", "list"],
      ["state", "show", "::error::pwned"],
    ];
    const ours = new Set(["group", "endgroup"]);
    for (const args of runs) {
      const gh = actionsStep();
      const result = await world.keysync(args, { env: gh.env });
      expect(result.code).toBe(0);
      for (const text of [result.stdout, result.stderr]) {
        const commands = runnerCommands(text);
        expect(commands.filter((c) => !ours.has(c.name))).toEqual([]);
        for (const c of commands) expect(c.data).toMatch(/^(keysync (plan|apply): .*)?$/);
      }
      if (args[0] === "state" && args[1] === "list") {
        // Not vacuous: unfiltered, `state list` would issue "::error::pwned" as a command.
        expect(runnerCommands(result.stdout.replaceAll("\u200B", "")).map((c) => c.name)).toContain("error");
      }
      if (args.length === 1 && args[0] === "plan") {
        // Not vacuous: without the zero-width spaces the signer lines would be commands.
        const raw = runnerCommands(result.stdout.replaceAll("\u200B", "")).map((c) => c.name);
        expect(raw).toContain("error");
      }
      // Every output line is one keysync meant, whatever the IDs were.
      expect(gh.output()).toMatch(/^(has_changes=(true|false)\nadd=\d+\nchange=0\ndestroy=\d+\n)?$/);
      // In the Markdown, IDs only ever appear inside code.
      const summary = gh.summary();
      for (const id of sets) {
        const outsideCode = summary.replace(/^```diff\n[\s\S]*?^```$/m, "").replace(/`[^`\n]*`/g, "");
        expect(outsideCode).not.toContain(id);
      }
      if (args.includes("--json")) {
        const doc = JSON.parse(result.stdout) as { resource_changes: { set: string }[] };
        expect(doc.resource_changes.map((c) => c.set).sort()).toEqual([...sets].sort());
      }
    }
    await world.learnKeys(...sets);
    expect(await world.liveKids("::error::pwned")).toEqual(["::warning::kid"]);
  });
});
