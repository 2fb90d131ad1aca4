import { describeKey, hidesThumbprint, thumbprintOf } from "../../jwk/describe-key.js";
import { keyFitProblems } from "../rules/key-fit.js";
import { resolveKeyMeta } from "../rules/key-meta.js";
import type { ResolvedSourceKey } from "../rules/resolved-key.js";
import { parseSourceRef } from "../rules/source-ref.js";
import type { Located } from "../schema/located.js";
import type { WrittenKey } from "../schema/written-spec.js";
import { loadMaterial } from "./load-material.js";
import type { MaterialContext } from "./load-material.js";
import type { KeyOutcome } from "./resolve-keys.js";
import { toUploadJwk } from "./upload-jwk.js";

/**
 * A `source` key of `resolveKeys`: reads and checks its material and settles kid, alg and use.
 * Problems are reported at the `source` node. A module of its own so that specs without sources
 * never load jose or the key parsers.
 */
export async function resolveSourceKey(
  key: WrittenKey,
  source: Located<string>,
  use: ResolvedSourceKey["use"] | null,
  ctx: MaterialContext,
): Promise<KeyOutcome> {
  const fail = (problems: readonly string[], named = true): KeyOutcome => ({
    diagnostics: problems.map((p) => ({
      position: source.position,
      message: named ? `${source.value} ${p}` : p,
    })),
  });
  const ref = parseSourceRef(source.value);
  if (!ref.ok) return fail([ref.problem], false);
  const material = await loadMaterial(ref.ref, ctx);
  if (!material.ok) return fail(material.problems);

  const meta = resolveKeyMeta(
    { kid: key.kid?.value ?? null, alg: key.alg?.value ?? null, use },
    material.jwk,
  );
  if (!meta.ok) return fail(meta.problems);
  const fit = keyFitProblems(material.jwk, meta.meta.alg, meta.meta.use);
  if (fit.length > 0) return fail(fit);

  // The default kid is the thumbprint, which for a symmetric key would be a hash of its secret
  // in every plan, PR comment and JWKS; such a key must be named (spec `kid` or the file's own).
  if (meta.meta.kid === null && hidesThumbprint(material.jwk.kty)) {
    return fail([SYMMETRIC_NEEDS_KID]);
  }
  const kidValue = meta.meta.kid ?? thumbprintOf(material.jwk);
  const { alg } = meta.meta;
  const facts = describeKey(toUploadJwk(material.jwk, { kid: kidValue, alg, use: meta.meta.use }), kidValue);
  return {
    key: {
      origin: "source",
      position: key.position,
      kid: { value: kidValue, position: key.kid?.position ?? source.position },
      alg,
      use: meta.meta.use,
      source,
      facts,
    },
  };
}

const SYMMETRIC_NEEDS_KID =
  "holds a symmetric (oct) key without a kid: give it a kid in the spec (keysync does not name a secret key after its hash)";
