import { createHash } from "node:crypto";
import type { GenerateAlg } from "../../src/jwk/algorithms.js";
import type { KeyOrigin } from "../../src/jwk/key-facts.js";
import { plannedFacts } from "../../src/plan/diff-set.js";
import { managedKeyOf } from "../../src/state/mutations.js";
import type { LiveKey, LiveSet } from "../../src/ory/key-store.js";
import type {
  DesiredGeneratedKey,
  DesiredKey,
  DesiredSet,
  DesiredSourceKey,
  DesiredSpec,
} from "../../src/spec/types.js";
import type { ManagedKey, ManagedSet, State } from "../../src/state/types.js";

/** A fake but well-formed thumbprint, stable for a given label. */
export function tp(label: string): string {
  return createHash("sha256").update(label).digest("base64url");
}

export function generated(
  kid: string,
  alg: GenerateAlg = "ES256",
  use: "sig" | "enc" = "sig",
): DesiredGeneratedKey {
  return { origin: "generated", kid, alg, use };
}

export function sourced(
  kid: string,
  material: string,
  opts: { alg?: string; use?: "sig" | "enc"; kty?: string; hasPrivate?: boolean } = {},
): DesiredSourceKey {
  const alg = opts.alg ?? "RS256";
  const use = opts.use ?? "sig";
  const kty = opts.kty ?? "RSA";
  return {
    origin: "source",
    kid,
    alg,
    use,
    source: `file:keys/${material}.pem`,
    facts: {
      kid,
      kty,
      alg,
      use,
      crv: null,
      size: kty === "RSA" ? 2048 : null,
      thumbprint: tp(material),
      hasPrivate: opts.hasPrivate ?? true,
    },
  };
}

export function desiredSet(setId: string, keys: readonly DesiredKey[]): DesiredSet {
  return { setId, keys };
}

export function spec(...sets: DesiredSet[]): DesiredSpec {
  return { file: "keysets.yaml", targetUrl: null, sets };
}

/** The live key Ory would hold for a desired key; `material` names its key material. */
export function liveOf(key: DesiredKey, material: string = key.kid): LiveKey {
  if (key.origin === "source") {
    const thumbprint = key.facts.thumbprint ?? tp(material);
    return { ...key.facts, kid: key.kid, alg: key.alg, use: key.use, thumbprint };
  }
  const planned = plannedFacts(key);
  return { ...planned, kid: key.kid, size: planned.size ?? 2048, thumbprint: tp(material) };
}

export function liveKey(kid: string, opts: Partial<LiveKey> = {}): LiveKey {
  return {
    kid,
    kty: "EC",
    alg: "ES256",
    use: "sig",
    crv: "P-256",
    size: 256,
    thumbprint: tp(kid),
    hasPrivate: true,
    ...opts,
  };
}

export function present(setId: string, keys: readonly LiveKey[]): LiveSet {
  return { setId, exists: true, keys };
}

export function absent(setId: string): LiveSet {
  return { setId, exists: false };
}

export function liveMap(...sets: LiveSet[]): Map<string, LiveSet> {
  return new Map(sets.map((s) => [s.setId, s]));
}

export function managedOf(key: LiveKey, origin: KeyOrigin = "generated"): ManagedKey {
  return managedKeyOf(key, origin);
}

export function managedSet(setId: string, keys: readonly ManagedKey[]): ManagedSet {
  return { setId, keys: [...keys].sort((a, b) => (a.kid < b.kid ? -1 : 1)) };
}

export function state(...sets: ManagedSet[]): State {
  return {
    lineage: "00000000-0000-4000-8000-000000000000",
    serial: 1,
    keysyncVersion: "0.1.0",
    target: "http://127.0.0.1:4445",
    sets: new Map(sets.map((s) => [s.setId, s])),
    pending: [],
  };
}
