// Real Ory Hydra for the bench's side-by-side rows, from scripts/hydra.mjs (the tests' own: v2.3.0,
// `hydra serve all --dev`, DSN=memory, free loopback ports). Reuses the cached binary; builds it
// only when Go is there and it is missing; says why not when neither.
import { existsSync } from "node:fs";
import { HYDRA_VERSION, buildHydra, hydraBinaryPath, startHydra, whyNoGo } from "../../scripts/hydra.mjs";

export { HYDRA_VERSION };

/** `{ binary }` when Hydra can run here (building it first if need be), else `{ skip: reason }`. */
export function hydraBinary() {
  const cached = hydraBinaryPath();
  if (existsSync(cached)) return { binary: cached };
  const why = whyNoGo();
  if (why !== null) return { skip: `no cached Hydra binary, and it cannot be built: ${why}` };
  // Not timed: the build is a one-off (minutes); the scenario measures only what runs after it.
  return { binary: buildHydra().binary };
}

/**
 * Starts Hydra, runs `fn(hydra)` and stops Hydra afterwards, whether `fn` resolved or threw. While
 * it runs, SIGINT/SIGTERM/SIGHUP to the bench stop Hydra before the bench exits (scripts/hydra.mjs
 * only SIGKILLs it on a normal exit; a signal's default action skips exit handlers).
 */
export async function withHydra(binary, fn) {
  const hydra = await startHydra({ binary });
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  const onSignal = (signal) => {
    process.stderr.write(`bench: ${signal}, stopping Ory Hydra (pid ${hydra.pid})\n`);
    hydra.stop().finally(() => process.exit(signals[signal]));
  };
  for (const signal of Object.keys(signals)) process.on(signal, onSignal);
  try {
    return await fn(hydra);
  } finally {
    for (const signal of Object.keys(signals)) process.off(signal, onSignal);
    await hydra.stop();
  }
}

/** The keys Hydra holds in `setId` (private members included), straight from its admin API. */
export async function hydraKeys(adminUrl, setId) {
  const res = await fetch(`${adminUrl}/admin/keys/${encodeURIComponent(setId)}`, {
    headers: { accept: "application/json" },
  });
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`Ory Hydra answered ${res.status} to GET /admin/keys/${setId}`);
  return (await res.json()).keys;
}
