import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { E2eWorld, specYaml } from "../support/e2e-kit.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GUARD = `${ROOT}test/support/loopback-guard.mjs`;

interface ActionStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface ActionYaml {
  inputs: Record<string, { description?: string; default?: string }>;
  outputs: Record<string, { description?: string; value?: string }>;
  runs: { using: string; steps: ActionStep[] };
}
const action = parse(readFileSync(`${ROOT}action.yml`, "utf8")) as ActionYaml;
const INSTALL = "npm ci --no-audit --no-fund";

describe("action.yml", () => {
  it("describes every input and output, and pins actions by major version", () => {
    for (const [name, spec] of Object.entries(action.inputs)) expect(spec.description, name).toMatch(/\S/);
    for (const [name, spec] of Object.entries(action.outputs)) expect(spec.description, name).toMatch(/\S/);
    expect(Object.keys(action.inputs).sort()).toEqual(
      [
        "command",
        "comment",
        "comment-author",
        "github-token",
        "node-version",
        "plan-file",
        "spec",
        "state",
        "target",
      ].sort(),
    );
    expect(action.runs.using).toBe("composite");
    for (const step of action.runs.steps.filter((s) => s.uses !== undefined))
      expect(step.uses).toMatch(/^actions\/setup-node@v\d+$/);
  });

  it("only ever runs npm ci in its own checkout or its own script, with inputs passed as env, never inline", () => {
    const runs = action.runs.steps.filter((s) => s.run !== undefined);
    expect(runs.map((s) => s.run?.trim())).toEqual([
      INSTALL,
      'node "$GITHUB_ACTION_PATH/dist/cli/github/action-bin.js" run',
      'node "$GITHUB_ACTION_PATH/dist/cli/github/action-bin.js" comment',
      'node "$GITHUB_ACTION_PATH/dist/cli/github/action-bin.js" finish',
    ]);
    expect(runs[0]?.["working-directory"]).toBe("${{ github.action_path }}");
    for (const s of runs) {
      expect(s.shell).toBe("bash");
      expect(s.run).not.toContain("${{");
    }
  });
});

describe("the example workflows in docs/workflows", () => {
  interface Workflow {
    concurrency?: { group?: string; "cancel-in-progress"?: boolean };
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
  }
  const workflow = (name: string): Workflow =>
    parse(readFileSync(`${ROOT}docs/workflows/${name}`, "utf8")) as Workflow;
  const keysyncSteps = (w: Workflow) =>
    Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("keysync/keysync@")));

  it("use only inputs the action declares, and pin every action", () => {
    for (const name of ["keysync-plan.yml", "keysync-apply.yml", "keysync-drift.yml"]) {
      const w = workflow(name);
      expect(keysyncSteps(w).length, name).toBeGreaterThan(0);
      for (const step of keysyncSteps(w))
        for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
      for (const job of Object.values(w.jobs))
        for (const step of job.steps)
          if (step.uses !== undefined) expect(step.uses).toMatch(/@v\d+(\.\d+\.\d+)?$/);
    }
  });

  it("serialize applies, and apply the plan file the plan job saved", () => {
    const apply = workflow("keysync-apply.yml");
    expect(apply.concurrency).toEqual({ group: "keysync-apply", "cancel-in-progress": false });
    expect(keysyncSteps(apply).map((s) => [s.with?.["command"], s.with?.["plan-file"]])).toEqual([
      ["plan", "keysync.plan"],
      ["apply", "keysync.plan"],
    ]);
  });
});

/** A loopback fake of GitHub's issue-comments API, recording what it was sent. */
class FakeGithub {
  readonly comments: { id: number; body: string; user: { login: string } }[] = [];
  readonly requests: { method: string; path: string; authorization: string | undefined }[] = [];
  #next = 1000;
  private constructor(readonly server: Server) {}

  static async start(): Promise<FakeGithub> {
    const holder: { fake?: FakeGithub } = {};
    const server = createServer((req, res) => void holder.fake?.handle(req, res));
    const fake = new FakeGithub(server);
    holder.fake = fake;
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  add(body: string, login: string): void {
    this.comments.push({ id: (this.#next += 1), body, user: { login } });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      authorization: req.headers.authorization,
    });
    let text = "";
    for await (const chunk of req) text += String(chunk);
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const json = (c: (typeof this.comments)[number]) => ({ ...c, html_url: `https://github.test/c/${c.id}` });
    if (url.pathname === "/repos/acme/keys/issues/7/comments" && req.method === "GET") {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      reply(200, this.comments.slice((page - 1) * perPage, page * perPage).map(json));
    } else if (url.pathname === "/repos/acme/keys/issues/7/comments" && req.method === "POST") {
      this.add((JSON.parse(text) as { body: string }).body, "github-actions[bot]");
      const created = this.comments.at(-1);
      reply(201, created === undefined ? {} : json(created));
    } else if (url.pathname.startsWith("/repos/acme/keys/issues/comments/") && req.method === "PATCH") {
      const comment = this.comments.find((c) => `/repos/acme/keys/issues/comments/${c.id}` === url.pathname);
      if (comment === undefined) {
        reply(404, { message: "Not Found" });
        return;
      }
      comment.body = (JSON.parse(text) as { body: string }).body;
      reply(200, json(comment));
    } else {
      reply(404, { message: "Not Found" });
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((done) => {
      this.server.close(() => {
        done();
      });
    });
  }
}

/** The `$GITHUB_OUTPUT` file as the runner reads it (name=value and heredoc forms). */
function readOutputs(path: string): Record<string, string> {
  const lines = readFileSync(path, "utf8").split("\n");
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] !== undefined) {
      const end = lines.indexOf(heredoc[2] ?? "", i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

let world: E2eWorld;
let github: FakeGithub;
const ghToken = `ghs_${randomBytes(18).toString("base64url")}`;
beforeEach(async () => {
  world = await E2eWorld.start();
  github = await FakeGithub.start();
  world.canary.addToken(ghToken, "GITHUB_TOKEN");
  writeFileSync(world.path("event.json"), JSON.stringify({ pull_request: { number: 7 } }));
});
afterEach(async () => {
  world.expectNoSecrets();
  await github.close();
  await world.stop();
});

let runs = 0;
/**
 * Runs the action's steps the way the runner would, after setup-node and the install (the
 * built dist/ is this checkout's): each `run:` in bash with the step's `env:` evaluated from the
 * inputs and earlier step outputs, plus the runner's own variables, in the workspace.
 */
async function runAction(
  given: Record<string, string>,
): Promise<{ codes: number[]; outputs: Record<string, Record<string, string>>; log: string }> {
  runs += 1;
  const inputs: Record<string, string> = {};
  const outputs: Record<string, Record<string, string>> = {};
  const expr = (text: string): string =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => {
      if (e === "github.token") return ghToken;
      if (e === "github.action_path") return ROOT;
      const input = /^inputs\.([\w-]+)$/.exec(e)?.[1];
      if (input !== undefined) return inputs[input] ?? "";
      const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
      if (out?.[1] !== undefined && out[2] !== undefined) return outputs[out[1]]?.[out[2]] ?? "";
      throw new Error(`unsupported expression ${e}`);
    });
  for (const [name, spec] of Object.entries(action.inputs))
    inputs[name] = expr(given[name] ?? spec.default ?? "");

  const codes: number[] = [];
  let log = "";
  const steps = action.runs.steps.filter((s) => s.run !== undefined && s.run.trim() !== INSTALL);
  for (const [i, step] of steps.entries()) {
    const outputFile = world.path(`action-${runs}-${i}-output.txt`);
    writeFileSync(outputFile, "");
    const env: Record<string, string> = {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: process.env["HOME"] ?? "/tmp",
      NODE_OPTIONS: `--import ${GUARD}`,
      NO_COLOR: "1",
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_WORKSPACE: world.dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: world.path(`action-${runs}-summary.md`),
      RUNNER_TEMP: world.dir,
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: world.path("event.json"),
      GITHUB_REPOSITORY: "acme/keys",
      GITHUB_API_URL: github.url,
      // The workflow's job env: Ory's admin URL and API key (an encrypted secret).
      ORY_SDK_URL: world.server.url,
      ORY_PROJECT_API_KEY: world.token,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expr(v);
    const result = await new Promise<{ code: number; out: string }>((done, fail) => {
      const child = spawn("bash", ["-e", "-c", step.run ?? ""], {
        cwd: world.dir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.on("error", fail);
      child.on("close", (code) => {
        done({ code: code ?? -1, out });
      });
    });
    codes.push(result.code);
    log += result.out;
    world.outputs.push({ label: `action step ${step.name ?? i}`, text: result.out });
    if (step.id !== undefined) outputs[step.id] = readOutputs(outputFile);
    if (result.code !== 0) break;
  }
  return { codes, outputs, log };
}

describe("the action, run locally with the runner's environment", () => {
  it("posts the plan as a comment once, then updates that same comment (by marker), with the token only in headers", async () => {
    // 120 older comments (two pages), one of them a planted marker by someone else.
    for (let i = 0; i < 120; i += 1) github.add(`comment ${i}`, "someone");
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const marker = `<!-- keysync:plan target=${world.server.url} -->`;
    github.add(`${marker}\nfake plan: nothing to see`, "mallory");

    const first = await runAction({});
    expect(first.codes).toEqual([0, 0, 0]);
    expect(first.outputs["run"]).toMatchObject({
      "exit-code": "2",
      has_changes: "true",
      add: "1",
      destroy: "0",
    });
    const posted = github.comments.at(-1);
    expect(posted?.user.login).toBe("github-actions[bot]");
    expect(posted?.body.startsWith(`${marker}\n## keysync plan for`)).toBe(true);
    expect(posted?.body).toContain("  * `tokens/a`");
    expect(posted?.body).toBe(readFileSync(first.outputs["run"]?.["markdown-file"] ?? "", "utf8"));
    expect(first.outputs["comment"]).toEqual({ "comment-id": String(posted?.id) });
    expect(github.comments.find((c) => c.user.login === "mallory")?.body).toContain("fake plan");

    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256", "b:ES256"] }));
    const second = await runAction({});
    expect(second.codes).toEqual([0, 0, 0]);
    expect(github.comments).toHaveLength(122);
    expect(github.comments.at(-1)?.id).toBe(posted?.id);
    expect(github.comments.at(-1)?.body).toContain("**Plan: 2 to add, 0 to change, 0 to destroy.**");
    expect(second.log).toContain(`Updated comment ${posted?.id} on #7`);

    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/acme/keys/issues/7/comments",
      "GET /repos/acme/keys/issues/7/comments",
      "POST /repos/acme/keys/issues/7/comments",
      "GET /repos/acme/keys/issues/7/comments",
      "GET /repos/acme/keys/issues/7/comments",
      `PATCH /repos/acme/keys/issues/comments/${posted?.id}`,
    ]);
    for (const r of github.requests) expect(r.authorization).toBe(`Bearer ${ghToken}`);
    expect(first.log + second.log).not.toContain(ghToken);
  });

  it("applies without commenting, and fails at the end (after the comment step) when keysync fails", async () => {
    world.write("keysets.yaml", specYaml({ tokens: ["a:ES256"] }));
    const applied = await runAction({ command: "apply" });
    expect(applied.codes).toEqual([0, 0, 0]);
    expect(applied.outputs["run"]).toMatchObject({ "exit-code": "0", has_changes: "true", add: "1" });
    await world.learnKeys("tokens");
    expect(await world.liveKids("tokens")).toEqual(["a"]);

    world.write(
      "keysets.yaml",
      "version: 1\nsets:\n  tokens:\n    keys:\n      - kid: a\n        alg: HS256\n",
    );
    const failed = await runAction({});
    expect(failed.codes).toEqual([0, 0, 1]);
    expect(failed.outputs["run"]?.["exit-code"]).toBe("1");
    expect(failed.log).toContain("::error file=keysets.yaml,line=6,col=14,title=Invalid keysync spec::");
    expect(failed.log).toContain("keysync printed no Markdown");
    expect(github.requests).toEqual([]);
  });
});
