// The bench scenarios (issue: "npm run bench"). Each runs the built CLI as child processes
// against the embedded server in this process and returns rows: a figure beside its target.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { spawn } from "node:child_process";
import { expectExit, runCli } from "./lib/run-cli.mjs";
import { benchServer } from "./lib/server.mjs";
import { HYDRA_VERSION, hydraBinary, hydraKeys, withHydra } from "./lib/hydra.mjs";
import { kidsOf, seedWorld, setIds, specYaml, writeWorkspace } from "./lib/world.mjs";
import { DEFAULT_PARALLELISM } from "../dist/cli/options.js";
import { MAX_SPEC_BYTES } from "../dist/spec/load-spec.js";

export const LATENCY_MS = 20;

async function workspace(name) {
  return mkdtemp(join(tmpdir(), `keysync-bench-${name}-`));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Checks that `requests` hold exactly one `method` request per ID in `ids` (and no other). */
function onePerSet(requests, method, ids) {
  const seen = new Map();
  for (const r of requests) if (r.method === method) seen.set(r.setId, (seen.get(r.setId) ?? 0) + 1);
  return seen.size === ids.length && ids.every((id) => seen.get(id) === 1);
}

/**
 * plan with no changes over `sets` × `keysPerSet`: one GET per set, max concurrency P, and the
 * ratio to the ideal ceil(sets / P) × latency, for the whole command and for its request phase.
 */
export async function planNoChanges({ sets = 1000, keysPerSet = 3, runs = 3, parallelism } = {}) {
  const bench = await benchServer({ latencyMs: LATENCY_MS });
  const dir = await workspace("plan");
  try {
    const { ids, managed } = await seedWorld(bench.server, { prefix: "plan", sets, keysPerSet });
    const { specPath, statePath } = await writeWorkspace(dir, {
      spec: specYaml(ids, keysPerSet),
      managed,
      target: bench.server.url,
    });
    const args = ["plan", "--detailed-exitcode", "-f", specPath, "--state", statePath];
    if (parallelism !== undefined) args.push("--parallelism", String(parallelism));
    const samples = [];
    for (let i = 0; i < runs; i++) {
      bench.reset();
      const result = expectExit(
        await runCli(args, { cwd: dir, env: { ORY_SDK_URL: bench.server.url }, usage: true }),
        [0],
        "plan with no changes",
      );
      const seen = bench.observe();
      samples.push({ wallMs: result.wallMs, cpuMs: result.cpuMs, maxRssMiB: result.maxRssMiB, ...seen });
    }
    // The run with the median wall time stands for the scenario.
    const chosen = [...samples].sort((a, b) => a.wallMs - b.wallMs)[samples.length >> 1];
    const gets = chosen.byMethod.GET ?? 0;
    const p = chosen.maxConcurrency;
    const idealMs = Math.ceil(sets / p) * LATENCY_MS;
    return {
      id: "plan-no-changes",
      title: `plan, no changes, ${sets} sets x ${keysPerSet} keys (latency ${LATENCY_MS} ms)`,
      runs: samples.length,
      figures: [
        { name: "exit code (--detailed-exitcode)", value: 0, target: "0 (no changes)", ok: true },
        {
          name: "GET requests",
          value: gets,
          target: `${sets}, one per set`,
          ok: gets === sets && onePerSet(chosen.requests, "GET", ids) && chosen.requests.length === sets,
        },
        {
          name: "max concurrency P",
          value: p,
          target: `${parallelism ?? DEFAULT_PARALLELISM} (--parallelism)`,
          ok: p === (parallelism ?? DEFAULT_PARALLELISM),
        },
        { name: "ideal ceil(sets/P) x latency", value: ms(idealMs), target: null, ok: null },
        { name: "wall time (median)", value: ms(chosen.wallMs), target: null, ok: null },
        { name: "request phase (first to last request)", value: ms(chosen.phaseMs), target: null, ok: null },
        { name: "keysync CPU time (user+sys)", value: ms(chosen.cpuMs), target: null, ok: null },
        ratioFigure("ratio, whole command", chosen.wallMs / idealMs, 1.3, "target applies here"),
        ratioFigure("ratio, request phase", chosen.phaseMs / idealMs, 1.3, "diagnostic"),
      ],
      raw: samples.map((sample) => ({ ...sample, requests: undefined })),
    };
  } finally {
    await bench.server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * apply creating `sets × keysPerSet` keys on an empty server with no state: exactly one write
 * per action, and the ratio of the writes to the ideal ceil(keys / P) × latency.
 */
export async function applyCreate({ sets = 250, keysPerSet = 4, runs = 3, parallelism } = {}) {
  const bench = await benchServer({ latencyMs: LATENCY_MS });
  const samples = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dir = await workspace("apply");
      try {
        const ids = setIds(`apply${i}`, sets);
        const { specPath, statePath } = await writeWorkspace(dir, { spec: specYaml(ids, keysPerSet) });
        const args = ["apply", "--auto-approve", "-f", specPath, "--state", statePath];
        if (parallelism !== undefined) args.push("--parallelism", String(parallelism));
        bench.reset();
        const result = expectExit(
          await runCli(args, { cwd: dir, env: { ORY_SDK_URL: bench.server.url }, usage: true }),
          [0],
          "apply creating keys",
        );
        const seen = bench.observe();
        const keys = ids.reduce((n, id) => n + bench.server.keys(id).length, 0);
        samples.push({ wallMs: result.wallMs, cpuMs: result.cpuMs, keysOnServer: keys, ids, ...seen });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const chosen = [...samples].sort((a, b) => a.wallMs - b.wallMs)[samples.length >> 1];
    const total = sets * keysPerSet;
    const writes = chosen.requests.filter((r) => r.method !== "GET");
    const posts = writes.filter((r) => r.method === "POST" && r.status === 201);
    const distinct = new Set(posts.map((r) => `${r.setId}/${r.body?.kid}`));
    const p = chosen.maxConcurrency;
    const idealMs = Math.ceil(total / p) * LATENCY_MS;
    const readIdealMs = Math.ceil(sets / p) * LATENCY_MS;
    return {
      id: "apply-create",
      title: `apply, create ${total} keys in ${sets} sets (latency ${LATENCY_MS} ms)`,
      runs: samples.length,
      figures: [
        {
          name: "write requests",
          value: writes.length,
          target: `${total}, one per action`,
          ok: writes.length === total && distinct.size === total && chosen.keysOnServer === total,
        },
        {
          name: "GET requests (plan's reads)",
          value: chosen.byMethod.GET ?? 0,
          target: `${sets}, one per set`,
          ok: (chosen.byMethod.GET ?? 0) === sets && onePerSet(chosen.requests, "GET", chosen.ids),
        },
        {
          name: "max concurrency P",
          value: p,
          target: `${parallelism ?? DEFAULT_PARALLELISM} (--parallelism)`,
          ok: p === (parallelism ?? DEFAULT_PARALLELISM),
        },
        { name: "ideal ceil(keys/P) x latency", value: ms(idealMs), target: null, ok: null },
        { name: "wall time (median)", value: ms(chosen.wallMs), target: null, ok: null },
        { name: "write phase (first to last write)", value: ms(chosen.writePhaseMs), target: null, ok: null },
        { name: "keysync CPU time (user+sys)", value: ms(chosen.cpuMs), target: null, ok: null },
        ratioFigure("ratio, whole command", chosen.wallMs / idealMs, 1.3, "target applies here"),
        ratioFigure(
          "ratio, whole command vs reads+writes ideal",
          chosen.wallMs / (idealMs + readIdealMs),
          1.3,
          "diagnostic",
        ),
        ratioFigure("ratio, write phase", chosen.writePhaseMs / idealMs, 1.3, "diagnostic"),
      ],
      raw: samples.map((sample) => ({ ...sample, requests: undefined, ids: undefined })),
    };
  } finally {
    await bench.server.close();
  }
}

/**
 * apply of `writes` keys against a server limited to `perSecond` writes per second (burst
 * `perSecond`): within 1.2x of the writes / perSecond floor, with at most 2 answers of 429.
 */
export async function applyRateLimited({ perSecond = 5, sets = 25, keysPerSet = 4 } = {}) {
  const bench = await benchServer({ latencyMs: LATENCY_MS, writeRateLimit: { perSecond, burst: perSecond } });
  const dir = await workspace("ratelimit");
  try {
    const ids = setIds("limited", sets);
    const { specPath, statePath } = await writeWorkspace(dir, { spec: specYaml(ids, keysPerSet) });
    const result = expectExit(
      await runCli(["apply", "--auto-approve", "-f", specPath, "--state", statePath], {
        cwd: dir,
        env: { ORY_SDK_URL: bench.server.url },
        usage: true,
      }),
      [0],
      "rate-limited apply",
    );
    const seen = bench.observe();
    const total = sets * keysPerSet;
    const floorMs = (total / perSecond) * 1000;
    const writes = seen.requests.filter((r) => r.method !== "GET");
    const tooMany = writes.filter((r) => r.status === 429).length;
    const created = writes.filter((r) => r.status === 201).length;
    return {
      id: "apply-rate-limited",
      title: `apply, ${total} writes, server limit ${perSecond} writes/s (latency ${LATENCY_MS} ms)`,
      runs: 1,
      figures: [
        { name: "keys created (201)", value: created, target: `${total}`, ok: created === total },
        { name: "429 answers", value: tooMany, target: "<= 2", ok: tooMany <= 2 },
        { name: "floor writes / limit", value: ms(floorMs), target: null, ok: null },
        { name: "wall time", value: ms(result.wallMs), target: null, ok: null },
        ratioFigure("ratio to floor, whole command", result.wallMs / floorMs, 1.2, "target applies here"),
        ratioFigure("ratio to floor, write phase", seen.writePhaseMs / floorMs, 1.2, "diagnostic"),
      ],
      raw: {
        wallMs: result.wallMs,
        cpuMs: result.cpuMs,
        byMethod: seen.byMethod,
        byStatus: seen.byStatus,
        writePhaseMs: seen.writePhaseMs,
      },
    };
  } finally {
    await bench.server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Cold start: a new node process per run; median of `runs`. */
export async function startUp({ runs = 10, sets = 1000, keysPerSet = 3 } = {}) {
  const dir = await workspace("startup");
  try {
    const specPath = join(dir, "keysets.yaml");
    await writeFile(specPath, specYaml(setIds("start", sets), keysPerSet));
    const node = [];
    const version = [];
    const validate = [];
    for (let i = 0; i < runs; i++) {
      node.push(await nodeBaseline());
      version.push(expectExit(await runCli(["--version"], { cwd: dir }), [0], "--version").wallMs);
      validate.push(
        expectExit(await runCli(["validate", "-f", specPath], { cwd: dir }), [0], "validate").wallMs,
      );
    }
    return {
      id: "start-up",
      title: `start-up, cold runs (new node process each)`,
      runs,
      figures: [
        { name: "node -e 0 (baseline, no target)", value: ms(median(node)), target: null, ok: null },
        limitFigure("keysync --version", median(version), 150),
        limitFigure(`keysync validate (${sets} sets x ${keysPerSet} keys)`, median(validate), 500),
      ],
      raw: { node, version, validate },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Peak RSS of `plan` (no changes) over `sets` sets, each with as many keys (3 at most) as fit
 * in a spec under keysync's spec size cap (`MAX_SPEC_BYTES`, 1 MiB: 10,000 sets get 2 keys).
 */
export async function planMemory({ sets = 10_000, maxKeysPerSet = 3 } = {}) {
  const ids0 = setIds("mem", sets);
  let keysPerSet = maxKeysPerSet;
  while (keysPerSet > 1 && Buffer.byteLength(specYaml(ids0, keysPerSet)) > MAX_SPEC_BYTES) keysPerSet -= 1;
  const bench = await benchServer({ latencyMs: LATENCY_MS });
  const dir = await workspace("memory");
  try {
    const { ids, managed } = await seedWorld(bench.server, { prefix: "mem", sets, keysPerSet });
    const spec = specYaml(ids, keysPerSet);
    const { specPath, statePath } = await writeWorkspace(dir, { spec, managed, target: bench.server.url });
    const args = ["plan", "--detailed-exitcode", "-f", specPath, "--state", statePath, "--parallelism", "64"];
    const result = expectExit(
      await runCli(args, { cwd: dir, env: { ORY_SDK_URL: bench.server.url }, usage: true }),
      [0],
      `plan over ${sets} sets`,
    );
    const seen = bench.observe();
    return {
      id: "plan-memory",
      title: `memory, plan over ${sets} sets x ${keysPerSet} keys (spec ${(Buffer.byteLength(spec) / 1048576).toFixed(2)} MiB, cap ${MAX_SPEC_BYTES / 1048576} MiB)`,
      runs: 1,
      figures: [
        {
          name: "GET requests",
          value: seen.byMethod.GET ?? 0,
          target: `${sets}`,
          ok: (seen.byMethod.GET ?? 0) === sets,
        },
        limitFigure("peak RSS", result.maxRssMiB, 300, "MiB"),
        { name: "wall time (--parallelism 64)", value: ms(result.wallMs), target: null, ok: null },
      ],
      raw: {
        wallMs: result.wallMs,
        cpuMs: result.cpuMs,
        maxRssMiB: result.maxRssMiB,
        specBytes: Buffer.byteLength(spec),
      },
    };
  } finally {
    await bench.server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The keys of each set in the real-Hydra comparison, by position: RSA (4096 bits), EC, OKP. */
const VS_HYDRA_ALGS = ["RS256", "ES256", "EdDSA"];
/** What Hydra makes for each alg (and the embedded server with rsaBits 4096). */
const KTY_OF = { RS256: "RSA", ES256: "EC", EdDSA: "OKP" };
const RSA_BITS = 4096;

/**
 * The same work against the embedded server (in this process, rsaBits 4096) and real Ory Hydra
 * v2.3.0 (`serve all --dev`, DSN=memory), no injected latency on either: `apply --auto-approve`
 * creating `sets` × 3 generated keys (RS256, ES256, EdDSA) from nothing, then `plan
 * --detailed-exitcode` of that spec with apply's state (no changes). Each run gives both servers
 * fresh set IDs, embedded first. Wall times are reported side by side (no target); the request
 * counts (sent by keysync, counted in the CLI process) and the keys left on each server are checked.
 * Returns `skipped` (and no figures) when Hydra is not built and Go is missing.
 */
export async function embeddedVsHydra({ sets = 50, runs = 3 } = {}) {
  const keysPerSet = VS_HYDRA_ALGS.length;
  const total = sets * keysPerSet;
  const base = {
    id: "embedded-vs-hydra",
    title:
      `embedded server vs real Ory Hydra ${HYDRA_VERSION}: ${sets} sets x ${keysPerSet} generated keys ` +
      `(${VS_HYDRA_ALGS.join(", ")}; RSA ${RSA_BITS} bits on both: Hydra's size, embedded --rsa-bits ${RSA_BITS}), ` +
      `no injected latency, --parallelism ${DEFAULT_PARALLELISM}`,
    hydra_version: HYDRA_VERSION,
    rsa_bits: RSA_BITS,
    sets,
    keys_per_set: keysPerSet,
    algs: VS_HYDRA_ALGS,
  };
  const found = hydraBinary();
  if (found.skip !== undefined) return { ...base, runs: 0, skipped: found.skip, figures: [], comparison: [] };

  const bench = await benchServer({ latencyMs: 0, rsaBits: RSA_BITS });
  try {
    return await withHydra(found.binary, async (hydra) => {
      const servers = [
        {
          name: "embedded",
          url: bench.server.url,
          keysOf: (setId) => bench.server.keys(setId),
          reset: () => bench.reset(),
          observe: () => bench.observe(),
        },
        { name: "hydra", url: hydra.adminUrl, keysOf: (setId) => hydraKeys(hydra.adminUrl, setId) },
      ];
      const samples = { embedded: [], hydra: [] };
      for (let i = 0; i < runs; i++) {
        const ids = setIds(`vs${i}`, sets);
        for (const server of servers) samples[server.name].push(await applyThenPlan(server, ids, keysPerSet));
      }
      return vsHydraResult(base, samples, { sets, total, runs });
    });
  } finally {
    await bench.server.close();
  }
}

/** One run on one server: apply from nothing, check the keys it made, then plan (no changes). */
async function applyThenPlan(server, ids, keysPerSet) {
  const dir = await workspace(`vs-${server.name}`);
  try {
    const { specPath, statePath } = await writeWorkspace(dir, {
      spec: specYaml(ids, keysPerSet, VS_HYDRA_ALGS),
    });
    const options = { cwd: dir, env: { ORY_SDK_URL: server.url }, usage: true, requests: true };
    server.reset?.();
    const apply = expectExit(
      await runCli(["apply", "--auto-approve", "-f", specPath, "--state", statePath], options),
      [0],
      `apply creating keys on ${server.name}`,
    );
    const applySaw = server.observe?.() ?? null;
    const keys = await checkKeys(ids, keysPerSet, server.keysOf);
    server.reset?.();
    const plan = expectExit(
      await runCli(["plan", "--detailed-exitcode", "-f", specPath, "--state", statePath], options),
      [0],
      `plan with no changes on ${server.name}`,
    );
    const planSaw = server.observe?.() ?? null;
    return { apply: { ...sampleOf(apply, applySaw), keys }, plan: sampleOf(plan, planSaw) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sampleOf(result, saw) {
  return {
    wallMs: result.wallMs,
    cpuMs: result.cpuMs,
    sent: result.requests,
    // The embedded server's own count, to cross-check what the CLI counted (Hydra keeps none).
    serverSaw: saw === null ? null : { total: saw.requests.length, byMethod: saw.byMethod },
    // keysync's own account of retries and read-backs (stderr), e.g. a dropped connection.
    retries: result.stderr.split("\n").filter((line) => / retrying /.test(line)),
  };
}

/** Every set holds exactly its spec's kids, each with the spec's alg, RSA at RSA_BITS. */
async function checkKeys(ids, keysPerSet, keysOf) {
  const kids = kidsOf(keysPerSet);
  const rsaBits = new Set();
  let count = 0;
  let ok = true;
  for (const setId of ids) {
    const keys = await keysOf(setId);
    count += keys.length;
    if (keys.length !== kids.length) ok = false;
    for (const [n, kid] of kids.entries()) {
      const alg = VS_HYDRA_ALGS[n % VS_HYDRA_ALGS.length];
      const key = keys.find((k) => k.kid === kid);
      if (key === undefined || key.alg !== alg || key.kty !== KTY_OF[alg] || key.d === undefined) {
        ok = false;
        continue;
      }
      if (key.kty === "RSA") rsaBits.add(Buffer.from(key.n, "base64url").length * 8);
    }
  }
  const bits = [...rsaBits];
  return { count, rsaBits: bits, ok: ok && bits.length === 1 && bits[0] === RSA_BITS };
}

function vsHydraResult(base, samples, { sets, total, runs }) {
  const pick = (list) => [...list].sort((a, b) => a.wallMs - b.wallMs)[list.length >> 1];
  // What keysync should send: one GET per set (plan's reads), one POST per key on apply, and one
  // more GET for each answer that never came (keysync reads back before retrying a write, and
  // retries a read). Real Hydra drops answers: its admin server's WriteTimeout is 10 s
  // (ory/graceful's default), and an RS256 4096-bit generation queued behind others can take
  // longer on 2 cores; the key is stored, the connection is reset, keysync finds the key.
  const posts = { apply: total, plan: 0 };
  const dropped = (sample) => sample.sent?.byStatus.none ?? 0;
  const sentOk = (sample, op) =>
    sample.sent !== null &&
    (sample.sent.byMethod.GET ?? 0) === sets + dropped(sample) &&
    (sample.sent.byMethod.POST ?? 0) === posts[op] &&
    sample.sent.total === sets + dropped(sample) + posts[op] &&
    (sample.serverSaw === null || sample.serverSaw.total === sample.sent.total);
  const comparison = [];
  const figures = [];
  const what = {
    apply: `apply, create ${total} keys in ${sets} sets from nothing`,
    plan: `plan of that spec afterwards, no changes`,
  };
  for (const op of ["apply", "plan"]) {
    const embedded = pick(samples.embedded.map((s) => s[op]));
    const hydra = pick(samples.hydra.map((s) => s[op]));
    const ratio = hydra.wallMs / embedded.wallMs;
    comparison.push({
      scenario: op,
      what: what[op],
      embedded: {
        wallMs: Math.round(embedded.wallMs),
        cpuMs: round(embedded.cpuMs),
        requests: embedded.sent,
      },
      hydra: { wallMs: Math.round(hydra.wallMs), cpuMs: round(hydra.cpuMs), requests: hydra.sent },
      ratio: Math.round(ratio * 100) / 100,
    });
    const wantText =
      `${sets} GET${posts[op] > 0 ? ` + ${posts[op]} POST` : ""}, ` + `+1 GET per dropped answer, every run`;
    figures.push(
      {
        name: `${op}: embedded wall time (median)`,
        value: ms(embedded.wallMs),
        target: null,
        ok: null,
        note: "reported",
      },
      {
        name: `${op}: Hydra wall time (median)`,
        value: ms(hydra.wallMs),
        target: null,
        ok: null,
        note: "reported",
      },
      {
        name: `${op}: ratio Hydra/embedded`,
        value: { ratio: Math.round(ratio * 100) / 100 },
        target: null,
        ok: null,
        note: "reported",
      },
      {
        name: `${op}: keysync CPU time, embedded`,
        value: ms(embedded.cpuMs),
        target: null,
        ok: null,
        note: "reported",
      },
      {
        name: `${op}: keysync CPU time, Hydra`,
        value: ms(hydra.cpuMs),
        target: null,
        ok: null,
        note: "reported",
      },
    );
    for (const [name, list] of [
      ["embedded", samples.embedded],
      ["Hydra", samples.hydra],
    ]) {
      figures.push(
        {
          name: `${op}: requests sent to ${name}`,
          value: pick(list.map((s) => s[op])).sent?.total ?? null,
          target: wantText,
          ok: list.every((s) => sentOk(s[op], op)),
        },
        {
          name: `${op}: answers ${name} dropped (all runs)`,
          value: list.reduce((n, s) => n + dropped(s[op]), 0),
          target: null,
          ok: null,
          note: "reported",
        },
      );
    }
  }
  for (const [name, list] of [
    ["embedded", samples.embedded],
    ["Hydra", samples.hydra],
  ]) {
    figures.push({
      name: `keys on ${name} after apply`,
      value: pick(list.map((s) => s.apply)).keys.count,
      target: `${total}, spec's kids and algs, RSA ${RSA_BITS} bits, every run`,
      ok: list.every((s) => s.apply.keys.ok && s.apply.keys.count === total),
    });
  }
  return {
    ...base,
    runs,
    comparison,
    figures,
    raw: samples,
  };
}

function round(value) {
  return value === null ? null : Math.round(value);
}

function nodeBaseline() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve(performance.now() - started));
  });
}

function ms(value) {
  return { ms: Math.round(value) };
}

function ratioFigure(name, ratio, limit, note) {
  return {
    name,
    value: { ratio: Math.round(ratio * 100) / 100 },
    target: `<= ${limit}`,
    ok: ratio <= limit,
    note,
  };
}

function limitFigure(name, value, limit, unit = "ms") {
  return {
    name,
    value: unit === "ms" ? ms(value) : { [unit]: Math.round(value) },
    target: `<= ${limit} ${unit}`,
    ok: value !== null && value <= limit,
  };
}
