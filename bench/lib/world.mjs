// Fixtures for the bench, built at run time: keys made with node:crypto and put straight into the
// embedded server (putRaw, no HTTP), a spec declaring them and a state file recording them, so
// that a plan over the world has nothing to do. Imports the built package (dist/), as users do.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { thumbprintOf } from "../../dist/jwk/describe-key.js";
import { newState, serializeState } from "../../dist/state/codec.js";

/** Algorithms the fixtures use: cheap to generate, and both shapes of generated key Ory makes. */
const ALGS = ["ES256", "EdDSA"];

/** Set IDs `<prefix>-00000`…: sorted the same way as text and as numbers. */
export function setIds(prefix, count) {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, "0")}`);
}

/** Kids of the keys of one set, in spec (write) order. */
export function kidsOf(keysPerSet) {
  return Array.from({ length: keysPerSet }, (_, i) => `sig-${i + 1}`);
}

/** What `alg` the n-th key of a set has. */
export function algOf(n) {
  return ALGS[n % ALGS.length];
}

/**
 * A fresh private JWK for `alg` with `kid` and `use`, as Ory would store a generated key.
 * One key pair per curve is reused: thousands of generateKeyPairSync calls are slow and the
 * material does not matter to a benchmark (thumbprints repeat, which keysync allows across sets).
 */
const pairs = new Map();
function jwkFor(alg, kid) {
  let base = pairs.get(alg);
  if (base === undefined) {
    const { privateKey } =
      alg === "EdDSA" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: "P-256" });
    base = privateKey.export({ format: "jwk" });
    pairs.set(alg, base);
  }
  return { ...base, kid, alg, use: "sig" };
}

/**
 * Puts `sets × keysPerSet` keys into the running server and returns the matching spec text and
 * managed-set records (origin "generated", as if keysync had created them).
 */
export async function seedWorld(server, { prefix, sets, keysPerSet }) {
  const ids = setIds(prefix, sets);
  const kids = kidsOf(keysPerSet);
  const managed = new Map();
  const thumbprints = new Map();
  for (const setId of ids) {
    const keys = [];
    for (const [n, kid] of kids.entries()) {
      const alg = algOf(n);
      const jwk = jwkFor(alg, kid);
      await server.putRaw(setId, jwk);
      let thumbprint = thumbprints.get(alg);
      if (thumbprint === undefined) {
        thumbprint = thumbprintOf(jwk);
        thumbprints.set(alg, thumbprint);
      }
      keys.push({ kid, kty: jwk.kty, alg, use: "sig", thumbprint, origin: "generated", hasPrivate: true });
    }
    keys.sort((a, b) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
    managed.set(setId, { setId, keys });
  }
  return { ids, managed };
}

/**
 * Spec YAML declaring `ids`, each with `keysPerSet` generated keys; the n-th key's alg is
 * `algs[n % algs.length]` (default: the fixtures' own, `algOf`).
 */
export function specYaml(ids, keysPerSet, algs = ALGS) {
  const kids = kidsOf(keysPerSet);
  const keyLines = kids
    .map((kid, n) => `      - kid: ${kid}\n        alg: ${algs[n % algs.length]}\n`)
    .join("");
  const parts = ["# keysync bench fixture (generated)\nversion: 1\nsets:\n"];
  for (const id of ids) parts.push(`  ${id}:\n    keys:\n${keyLines}`);
  return parts.join("");
}

/** Writes the spec and, when `managed` is given, a state file recording those sets on `target`. */
export async function writeWorkspace(dir, { spec, managed, target }) {
  const specPath = join(dir, "keysets.yaml");
  const statePath = join(dir, "keysync.state.json");
  await writeFile(specPath, spec);
  if (managed !== undefined) {
    const state = { ...newState(randomUUID()), serial: 1, target, sets: managed };
    await writeFile(statePath, serializeState(state), { mode: 0o600 });
  }
  return { specPath, statePath };
}
