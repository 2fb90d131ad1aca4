#!/usr/bin/env node
// Real Ory Hydra for keysync's tests (design/contract.md §11), built from the tools-only Go module
// in tools/hydra (which pins v2.3.0) and started on free loopback ports. Never part of the product.
//
//   npm run hydra -- build    build once into .cache/hydra/<key>/ (key: tools/hydra/go.mod + go.sum)
//   npm run hydra -- start    build if needed, start `hydra serve all`, print its URLs, Ctrl-C stops it
//   npm run hydra -- where    print the cached binary's path (exit 1 when it is not built)
//   npm run hydra -- check    exit 0 when Go is on PATH, else print why not and exit 1
//
// Imported by the tests (test/support/hydra-backend.ts) for `buildHydra` and `startHydra`.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const moduleDir = join(root, "tools", "hydra");
/** The version the tools module pins; stamped into the binary so `hydra version` tells. */
export const HYDRA_VERSION = "v2.3.0";
const PACKAGE = "github.com/ory/hydra/v2";
const TAGS = "sqlite,sqlite_omit_load_extension";

/** Why real Hydra cannot be built here, or null when it can (Go on PATH). */
export function whyNoGo() {
  const probe = spawnSync("go", ["version"], { encoding: "utf8" });
  if (probe.error !== undefined) return `go is not on PATH (${probe.error.code ?? probe.error.message})`;
  if (probe.status !== 0) return `\`go version\` exited with ${probe.status}`;
  return null;
}

/** Where the binary for the committed go.mod and go.sum lives (a changed pin builds anew). */
export function hydraBinaryPath() {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(join(moduleDir, file)));
  hash.update(TAGS);
  return join(root, ".cache", "hydra", hash.digest("hex").slice(0, 16), "hydra");
}

/**
 * Builds Hydra unless the cache has it; returns the binary's path and how long the build took
 * (0 when reused). Output goes to `log` (stderr by default). The binary is written beside its
 * final name and renamed, so a killed build never leaves a half-written binary to be reused.
 */
export function buildHydra({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const binary = hydraBinaryPath();
  if (existsSync(binary)) return { binary, seconds: 0, reused: true };
  const why = whyNoGo();
  if (why !== null) throw new Error(`cannot build Ory Hydra: ${why}`);
  mkdirSync(dirname(binary), { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  log(`building Ory Hydra ${HYDRA_VERSION} from the Go module proxy (tools/hydra) into ${dirname(binary)}`);
  const started = Date.now();
  const built = spawnSync(
    "go",
    [
      "build",
      "-tags",
      TAGS,
      "-trimpath",
      "-ldflags",
      `-s -w -X ${PACKAGE}/driver/config.Version=${HYDRA_VERSION}`,
      "-o",
      partial,
      PACKAGE,
    ],
    {
      cwd: moduleDir,
      env: { ...process.env, CGO_ENABLED: "1", GOFLAGS: "-mod=readonly", GOWORK: "off" },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  if (built.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`go build of Ory Hydra ${HYDRA_VERSION} failed (exit ${built.status ?? built.signal})`);
  }
  renameSync(partial, binary);
  const seconds = (Date.now() - started) / 1000;
  log(`built Ory Hydra ${HYDRA_VERSION} in ${seconds.toFixed(1)} s`);
  return { binary, seconds, reused: false };
}

/** A port nothing listens on right now (the kernel's pick, released at once). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const running = new Set();
process.once("exit", () => {
  // A test worker that ends without stopping its Hydra must not leave it behind.
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts `hydra serve all --dev` with `DSN=memory`, a `SECRETS_SYSTEM` made now, telemetry off,
 * and free loopback ports for the admin and public APIs; resolves once `/health/ready` answers.
 * `env` adds Hydra configuration (e.g. `STRATEGIES_ACCESS_TOKEN: "jwt"`). Retries on a port that
 * was taken between the pick and the bind.
 */
export async function startHydra({ env = {}, binary = buildHydra().binary, readyTimeoutMs = 30_000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, env, readyTimeoutMs);
    } catch (error) {
      if (attempt >= 3 || !String(error.message).includes("address already in use")) throw error;
    }
  }
}

async function startOnce(binary, extraEnv, readyTimeoutMs) {
  const [adminPort, publicPort] = [await freePort(), await freePort()];
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const publicUrl = `http://127.0.0.1:${publicPort}`;
  const child = spawn(binary, ["serve", "all", "--dev", "--sqa-opt-out"], {
    env: {
      PATH: process.env.PATH ?? "",
      DSN: "memory",
      SECRETS_SYSTEM: randomBytes(32).toString("base64url"),
      SERVE_ADMIN_HOST: "127.0.0.1",
      SERVE_ADMIN_PORT: String(adminPort),
      SERVE_PUBLIC_HOST: "127.0.0.1",
      SERVE_PUBLIC_PORT: String(publicPort),
      URLS_SELF_ISSUER: publicUrl,
      URLS_SELF_ADMIN: adminUrl,
      SQA_OPT_OUT: "true",
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  // Keep the tail of Hydra's output for the error message of a start that fails.
  let tail = "";
  const keep = (chunk) => {
    tail = (tail + chunk).slice(-4000);
  };
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  exited.then(() => running.delete(child));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + readyTimeoutMs;
  let gone = null;
  void exited.then((how) => (gone = how));
  while (Date.now() < deadline) {
    if (gone !== null) throw new Error(`Ory Hydra exited (${gone}) before it was ready:\n${tail.trim()}`);
    try {
      const res = await fetch(`${adminUrl}/health/ready`);
      if (res.ok) return { adminUrl, publicUrl, pid: child.pid, stop, output: () => tail };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`Ory Hydra was not ready within ${readyTimeoutMs} ms:\n${tail.trim()}`);
}

async function main(command) {
  switch (command) {
    case "build": {
      const { binary, reused } = buildHydra();
      if (reused) console.error(`Ory Hydra ${HYDRA_VERSION} is already built: ${binary}`);
      return 0;
    }
    case "where": {
      const binary = hydraBinaryPath();
      if (!existsSync(binary)) {
        console.error("Ory Hydra is not built yet: npm run hydra -- build");
        return 1;
      }
      console.log(binary);
      return 0;
    }
    case "check": {
      const why = whyNoGo();
      if (why !== null) console.error(why);
      return why === null ? 0 : 1;
    }
    case "start": {
      const hydra = await startHydra();
      console.log(`Ory Hydra ${HYDRA_VERSION} (pid ${hydra.pid}, DSN=memory)`);
      console.log(`  admin API:  ${hydra.adminUrl}`);
      console.log(`  public API: ${hydra.publicUrl}`);
      console.log(
        `  e.g. KEYSYNC_IT_ORY_URL=${hydra.adminUrl} KEYSYNC_IT_ORY_PUBLIC_URL=${hydra.publicUrl} npx vitest run test/contract`,
      );
      await new Promise((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await hydra.stop();
      return 0;
    }
    default:
      console.error("usage: npm run hydra -- build | start | where | check");
      return 2;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
