import { isReservedSet } from "../spec/types.js";
import type { Simulation } from "./signer.js";
import type { PlanEntry, PlanProblem } from "./types.js";

/**
 * What a reviewer must not miss in one set's plan (contract §5): signer cut-overs, keys that
 * stop verifying tokens, and private keys Hydra could sign with by accident.
 */
export function warnForSet(setId: string, entries: readonly PlanEntry[], sim: Simulation): PlanProblem[] {
  const warnings: PlanProblem[] = [];
  const warn = (code: PlanProblem["code"], kid: string | null, message: string): void => {
    warnings.push({ code, setId, kid, message });
  };

  const { signerBefore: before, signerAfter: after } = sim;
  const signerRewritten =
    after !== null &&
    after === before &&
    entries.some((e) => "kid" in e && e.kid === after && rewritesMaterial(e));
  if (before !== null && after === null && entries.some((e) => e.kind !== "delete-set")) {
    warn(
      "signer_change",
      before,
      `no key in ${setId} can sign after apply (${before} signs now); if Ory signs with this set it generates a random RS256 key`,
    );
  } else if (before !== null && after !== null && before !== after) {
    warn(
      "signer_change",
      after,
      `the signer changes from ${before} to ${after}: Ory signs new tokens with ${after} as soon as it is written, a hard cut-over; verifiers that cache the JWKS must already trust ${after}`,
    );
  } else if (signerRewritten) {
    warn(
      "signer_change",
      after,
      `the signer ${after} is rewritten: Ory signs new tokens with the new ${after} as soon as it is written; tokens signed by the old ${after} stop verifying`,
    );
  }

  for (const entry of entries) {
    switch (entry.kind) {
      case "delete-key":
        if (entry.before.use !== "enc") {
          warn(
            "delete_verifying_key",
            entry.kid,
            `deleting ${entry.kid}: tokens signed with it stop verifying once verifiers refresh the JWKS`,
          );
        }
        break;
      case "delete-set": {
        const verifying = entry.before.filter((k) => k.use !== "enc").map((k) => k.kid);
        if (verifying.length > 0) {
          warn(
            "delete_verifying_key",
            null,
            `deleting the whole set ${setId}: tokens signed with ${verifying.join(", ")} stop verifying`,
          );
        }
        break;
      }
      case "regenerate":
      case "upload":
        if (entry.before !== null && entry.before.use !== "enc" && rewritesMaterial(entry)) {
          warn(
            "delete_verifying_key",
            entry.kid,
            `replacing ${entry.kid} removes its current key material: tokens signed with it stop verifying`,
          );
        }
        break;
      case "generate":
      case "no-op":
        break;
    }
  }

  // Hydra ignores `use` when it picks a signer: in a set that signs, a private enc key or an
  // HMAC key becomes the signer once it is the newest private key (hydra-jwk-contract.md §7, §14.3).
  const signs =
    isReservedSet(setId) || sim.after.some((k) => k.hasPrivate && k.use !== "enc" && k.kty !== "oct");
  if (signs) {
    for (const key of sim.after.filter((k) => k.written)) {
      if (key.kty === "oct") {
        warn(
          "oct_key_in_signing_set",
          key.kid,
          `${key.kid} is a symmetric (oct) key in a set that signs: Hydra would sign with it if it became the newest private key, and /.well-known/jwks.json fails while it is in a broadcast set`,
        );
      } else if (key.hasPrivate && key.use === "enc") {
        warn(
          "enc_private_key_in_signing_set",
          key.kid,
          `${key.kid} is a private use: enc key in a set that signs: Hydra ignores use and signs with it whenever it is the newest private key`,
        );
      }
    }
  }

  for (const kid of sim.unsignedGaps) {
    warn(
      "no_private_key_between_steps",
      kid,
      `between deleting and regenerating ${kid}, ${setId} has no private key${isReservedSet(setId) ? "; Hydra generates a random key if it signs in that moment" : ""}`,
    );
  }
  return warnings;
}

/** True when the entry replaces a live key's material (not just its alg, use or position). */
function rewritesMaterial(entry: PlanEntry): boolean {
  switch (entry.kind) {
    case "regenerate":
      return true;
    case "upload":
      return entry.before !== null && entry.before.thumbprint !== entry.after.thumbprint;
    case "generate":
    case "delete-key":
    case "delete-set":
    case "no-op":
      return false;
  }
}
