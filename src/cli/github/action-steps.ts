import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../errors.js";
import type { CiSurface } from "./ci-surface.js";
import { upsertPrComment } from "./pr-comment.js";

/** The steps of `action.yml`, each `node dist/cli/github/action-bin.js STEP`. */
export type ActionStep = "run" | "comment" | "finish";

/** keysync's own CLI, beside this file in the action's checkout (`dist/cli.js`). */
const KEYSYNC_CLI = fileURLToPath(new URL("../../cli.js", import.meta.url));

/**
 * One step of the composite action. Inputs arrive as `INPUT_*` variables (action.yml maps each
 * input explicitly), the rest is the runner's own environment, so the same command runs a step
 * locally: `INPUT_COMMAND=plan node dist/cli/github/action-bin.js run`.
 */
export async function runActionStep(step: ActionStep, ci: CiSurface): Promise<number> {
  switch (step) {
    case "run":
      return runKeysync(ci);
    case "comment":
      return comment(ci);
    case "finish":
      return finish(ci);
  }
}

function input(ci: CiSurface, name: string, fallback = ""): string {
  const value = ci.io.env[`INPUT_${name}`]?.trim();
  return value === undefined || value === "" ? fallback : value;
}

/** The keysync command line for the inputs (exported for the action's tests and docs). */
export function keysyncArgs(ci: CiSurface): string[] {
  const command = input(ci, "COMMAND", "plan");
  const planFile = input(ci, "PLAN_FILE");
  const common = [
    ...(input(ci, "STATE") === "" ? [] : ["--state", input(ci, "STATE")]),
    ...(input(ci, "TARGET") === "" ? [] : ["--target", input(ci, "TARGET")]),
    "--format",
    "markdown",
  ];
  const spec = ["-f", input(ci, "SPEC", "keysets.yaml")];
  switch (command) {
    case "plan":
      return [
        "plan",
        ...spec,
        ...common,
        "--detailed-exitcode",
        ...(planFile === "" ? [] : ["--out", planFile]),
      ];
    case "apply":
      // A saved plan is its own approval; a fresh apply in CI has no terminal to ask.
      return planFile === ""
        ? ["apply", ...spec, ...common, "--auto-approve"]
        : ["apply", planFile, ...common];
    default:
      throw new UsageError(`input command must be plan or apply, not ${JSON.stringify(command)}`);
  }
}

/**
 * Runs keysync with its stdout (the Markdown) going to a file, stderr to the log, and records
 * `exit-code` and `markdown-file`. Exits 0 whatever keysync did (2 is "changes", 1 an error), so
 * the comment step still runs; the `finish` step fails the action on an error.
 */
async function runKeysync(ci: CiSurface): Promise<number> {
  const args = keysyncArgs(ci);
  const dir = ci.io.env["RUNNER_TEMP"] ?? tmpdir();
  const markdownFile = join(dir, `keysync-${args[0] ?? "run"}-${randomBytes(4).toString("hex")}.md`);
  ci.io.stderr.write(`keysync ${args.join(" ")}\n`);
  const code = await new Promise<number>((done, fail) => {
    const out = createWriteStream(markdownFile, { mode: 0o600 });
    const child = spawn(process.execPath, [KEYSYNC_CLI, ...args], {
      cwd: ci.io.cwd,
      env: ci.io.env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout.pipe(out);
    child.on("error", fail);
    child.on("close", (status) => {
      out.end(() => {
        done(status ?? 1);
      });
    });
  });
  await ci.setOutputs({ "exit-code": String(code), "markdown-file": markdownFile });
  ci.io.stderr.write(`keysync exited with ${code}${code === 2 ? " (changes pending)" : ""}\n`);
  return 0;
}

/** Posts or updates the pull-request comment when the `comment` input says so. */
async function comment(ci: CiSurface): Promise<number> {
  const { env } = ci.io;
  const wanted = input(ci, "COMMENT", "auto");
  const event = env["GITHUB_EVENT_NAME"] ?? "";
  const onPullRequest = event === "pull_request" || event === "pull_request_target";
  const post =
    wanted === "auto" ? input(ci, "COMMAND", "plan") === "plan" && onPullRequest : wanted === "true";
  if (!post) {
    ci.io.stderr.write(
      "No pull-request comment (input comment is false, or this is not a pull-request plan)\n",
    );
    return 0;
  }
  const file = env["KEYSYNC_MARKDOWN_FILE"] ?? "";
  const body = file === "" ? "" : await readFile(resolve(ci.io.cwd, file), "utf8").catch(() => "");
  if (body === "") {
    ci.io.stderr.write("keysync printed no Markdown (see its errors above); no comment posted\n");
    return 0;
  }
  const pullRequest = await pullRequestNumber(ci);
  const token = env["GITHUB_TOKEN"] ?? "";
  if (pullRequest === null) throw new UsageError("cannot tell which pull request to comment on");
  if (token === "") throw new UsageError("input github-token is empty: cannot comment");
  const result = await upsertPrComment(
    {
      apiUrl: env["GITHUB_API_URL"] ?? "https://api.github.com",
      repository: env["GITHUB_REPOSITORY"] ?? "",
      pullRequest,
      token,
      author: input(ci, "COMMENT_AUTHOR", "github-actions[bot]"),
    },
    body,
  );
  await ci.setOutputs({ "comment-id": String(result.id) });
  ci.io.stderr.write(
    `${result.action === "created" ? "Posted" : "Updated"} comment ${result.id} on #${pullRequest}\n`,
  );
  return 0;
}

/** The pull request of the event (`pull_request.number`), else of `GITHUB_REF` (`refs/pull/N/…`). */
async function pullRequestNumber(ci: CiSurface): Promise<number | null> {
  const path = ci.io.env["GITHUB_EVENT_PATH"];
  if (path !== undefined && path !== "") {
    try {
      const event = JSON.parse(await readFile(path, "utf8")) as { pull_request?: { number?: unknown } };
      if (typeof event.pull_request?.number === "number") return event.pull_request.number;
    } catch {
      // Fall back to the ref.
    }
  }
  const m = /^refs\/pull\/(\d+)\//.exec(ci.io.env["GITHUB_REF"] ?? "");
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** Fails the action when keysync failed (exit 1); 0 and 2 (changes) are success. */
function finish(ci: CiSurface): number {
  const code = ci.io.env["KEYSYNC_EXIT_CODE"] ?? "";
  if (code === "0" || code === "2") return 0;
  ci.io.stderr.write(`keysync failed (exit code ${code === "" ? "unknown" : code}); see the errors above\n`);
  return 1;
}
