import type { LiveSet } from "../../src/ory/key-store.js";
import type { Plan } from "../../src/plan/types.js";
import type { DesiredSet } from "../../src/spec/types.js";
import type { State } from "../../src/state/types.js";
import {
  absent,
  desiredSet,
  generated,
  liveKey,
  liveMap,
  liveOf,
  managedOf,
  managedSet,
  present,
  sourced,
  state,
  tp,
} from "./builders.js";
import { planFor } from "./plan-for.js";

/**
 * Named plans for golden tests of every renderer. Inputs are typed values (no text parsing), the
 * clock is fixed, and fake thumbprints are stable, so rendered output is byte-for-byte stable.
 */
export interface Scenario {
  readonly name: string;
  readonly plan: Plan;
}

function make(name: string, sets: DesiredSet[], live: Map<string, LiveSet>, st: State): Scenario {
  return { name, plan: planFor(sets, live, st) };
}

const sig2611 = generated("sig-2026-11", "RS256");
const sig2605 = generated("sig-2026-05", "ES256");
const partner = sourced("partner-a", "partner-a-2026", { hasPrivate: false });
const live2605 = liveOf(sig2605);

export const SCENARIOS: readonly Scenario[] = [
  make(
    "001-new-sets",
    [desiredSet("token-signing", [sig2605, sig2611]), desiredSet("partner-keys", [partner])],
    liveMap(absent("token-signing"), absent("partner-keys")),
    state(),
  ),
  make(
    "002-no-changes",
    [desiredSet("token-signing", [sig2605])],
    liveMap(present("token-signing", [live2605])),
    state(managedSet("token-signing", [managedOf(live2605)])),
  ),
  make(
    "003-rotation",
    [desiredSet("token-signing", [sig2611])],
    liveMap(present("token-signing", [live2605])),
    state(managedSet("token-signing", [managedOf(live2605)])),
  ),
  make(
    "004-source-replaced",
    [desiredSet("partner-keys", [partner])],
    liveMap(present("partner-keys", [{ ...liveOf(partner), thumbprint: tp("partner-a-2025") }])),
    state(
      managedSet("partner-keys", [
        managedOf({ ...liveOf(partner), thumbprint: tp("partner-a-2025") }, "source"),
      ]),
    ),
  ),
  make(
    "005-tampered-signer",
    [desiredSet("token-signing", [sig2605])],
    liveMap(present("token-signing", [{ ...live2605, thumbprint: tp("swapped by hand") }])),
    state(managedSet("token-signing", [managedOf(live2605)])),
  ),
  make(
    "006-set-deleted",
    [],
    liveMap(present("legacy", [liveKey("old-a"), liveKey("old-b", { use: "enc" })])),
    state(managedSet("legacy", [managedOf(liveKey("old-a")), managedOf(liveKey("old-b"))])),
  ),
  make(
    "007-import-hint",
    [desiredSet("token-signing", [sig2611])],
    liveMap(present("token-signing", [live2605])),
    state(),
  ),
  make(
    "008-reserved-set-kept",
    [],
    liveMap(
      present("hydra.openid.id-token", [
        liveKey("8c1f", { kty: "RSA", alg: "RS256", crv: null, size: 4096 }),
      ]),
    ),
    state(
      managedSet("hydra.openid.id-token", [
        managedOf(liveKey("8c1f", { kty: "RSA", alg: "RS256", crv: null, size: 4096 }), "imported"),
      ]),
    ),
  ),
  make(
    "009-forgotten",
    [desiredSet("token-signing", [sig2605])],
    liveMap(present("token-signing", [live2605]), absent("gone")),
    state(managedSet("token-signing", [managedOf(live2605)]), managedSet("gone", [])),
  ),
];

/**
 * A plan too large for one pull-request comment (360 keys to create in 120 new sets), for the
 * Markdown renderer's truncation. Kept out of `SCENARIOS` so the JSON and text goldens stay small.
 */
export const LARGE_SCENARIO: Scenario = make(
  "010-large",
  Array.from({ length: 120 }, (_, i) => {
    const id = `tenant-${String(i).padStart(3, "0")}`;
    return desiredSet(id, [
      generated(`${id}-a`, "ES256"),
      generated(`${id}-b`, "RS256"),
      generated(`${id}-c`),
    ]);
  }),
  liveMap(...Array.from({ length: 120 }, (_, i) => absent(`tenant-${String(i).padStart(3, "0")}`))),
  state(),
);
