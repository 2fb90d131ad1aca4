/**
 * Key material for the applier: the two calls that touch a `source` key's secret material
 * after `loadSpec` validated it. Validation described the key by its public facts; the
 * applier calls `readKeyMaterial` right before it uploads, checks the thumbprint against
 * `DesiredSourceKey.facts.thumbprint`, and PUTs `toUploadJwk(material, key)`.
 *
 * The values returned here are secrets (see `Jwk`): never log, print, store or quote them.
 */
import type { Env } from "../cli/io.js";
import type { Jwk } from "../jwk/jwk.js";
import { loadMaterial } from "./material/load-material.js";
import { readKeyFile } from "./material/read-key-file.js";
import { SourceError } from "./material/source-error.js";
import { parseSourceRef } from "./rules/source-ref.js";

export { SourceError } from "./material/source-error.js";
export { toUploadJwk } from "./material/upload-jwk.js";

/**
 * Reads the key a `source` reference (`file:PATH` relative to the spec file, or
 * `env:KEYSYNC_NAME`) points at, as a JWK with its private members if it has them. The
 * material passed the same checks as in `validate`: one parseable key, well-formed members,
 * private and public parts that belong together. It is not checked against a spec key's alg;
 * compare its thumbprint with the validated facts before using it.
 *
 * Throws `SourceError` (a `KeysyncError`, exit 1) whose message names the reference and the
 * problem, never the material or an env var's value.
 */
export async function readKeyMaterial(source: string, ctx: { specPath: string; env: Env }): Promise<Jwk> {
  const parsed = parseSourceRef(source);
  if (!parsed.ok) throw new SourceError(null, [parsed.problem]);
  const result = await loadMaterial(parsed.ref, {
    specPath: ctx.specPath,
    env: ctx.env,
    readFile: readKeyFile,
  });
  if (!result.ok) throw new SourceError(source, result.problems);
  return result.jwk;
}
