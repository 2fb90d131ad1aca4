#!/usr/bin/env node
// `npm run demo`: the main job end to end on the embedded Ory-compatible server, the way a user
// would run it: start `keysync serve`, then `plan`, `apply`, `plan` again on keysets.example.yaml.
// The state file goes to a temporary directory so the repository stays clean.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "keysync-demo-"));
const state = join(work, "keysync.state.json");
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s);

function startServer() {
  // RS* keys are 2048-bit here so the demo is quick; Hydra (and `keysync serve` by default) use 4096.
  const server = spawn(process.execPath, [cli, "serve", "--port", "0", "--rsa-bits", "2048"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    server.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      const url = /https?:\/\/[^\s)]+/.exec(out)?.[0];
      if (url !== undefined) resolve({ server, url, banner: out.trim() });
    });
    server.on("exit", (code) => reject(new Error(`keysync serve exited with ${code}`)));
  });
}

function run(args, env) {
  const shown = args.join(" ");
  process.stdout.write(`\n${bold(`$ keysync ${shown}`)}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: "inherit",
    });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

const { server, url, banner } = await startServer();
let failed = false;
try {
  process.stdout.write(`${banner}\n`);
  process.stdout.write(`State file for this demo: ${state}\n`);
  const env = { ORY_SDK_URL: url };
  const common = ["-f", "keysets.example.yaml", "--state", state];
  const steps = [
    { args: ["validate", "-f", "keysets.example.yaml"], ok: [0] },
    { args: ["plan", ...common, "--detailed-exitcode"], ok: [2] },
    { args: ["apply", ...common, "--auto-approve"], ok: [0] },
    { args: ["plan", ...common, "--detailed-exitcode"], ok: [0] },
    { args: ["state", "list", "--state", state], ok: [0] },
  ];
  for (const step of steps) {
    const code = await run(step.args, env);
    if (!step.ok.includes(code)) {
      process.stderr.write(
        `\ndemo: step "keysync ${step.args[0]}" exited ${code}, expected ${step.ok.join(" or ")}\n`,
      );
      failed = true;
      break;
    }
  }
  if (!failed) {
    process.stdout.write(`\nDone: the second plan found nothing to change. Try it yourself:\n`);
    process.stdout.write(
      `  node dist/cli.js serve &   # Ory-compatible admin API on http://127.0.0.1:4445\n`,
    );
    process.stdout.write(
      `  ORY_SDK_URL=http://127.0.0.1:4445 node dist/cli.js plan -f keysets.example.yaml\n`,
    );
  }
} finally {
  server.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
