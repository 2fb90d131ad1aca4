import { SOURCE_ALGS } from "../../jwk/algorithms.js";
import type { Jwk } from "../../jwk/jwk.js";
import type { KeyUse } from "../../jwk/key-facts.js";
import { identifierProblem } from "./identifier.js";
import { quote } from "./quote.js";

/** What the spec says about a `source` key, before its material is consulted. */
export interface WrittenKeyMeta {
  readonly kid: string | null;
  readonly alg: string | null;
  readonly use: KeyUse | null;
}

/** kid, alg and use as the key will be uploaded. A null kid means "use the RFC 7638 thumbprint". */
export interface KeyMeta {
  readonly kid: string | null;
  readonly alg: string;
  readonly use: KeyUse;
}

export type KeyMetaResult =
  | { readonly ok: true; readonly meta: KeyMeta }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Settles kid, alg and use of a `source` key from the spec and the key's own members
 * (contract §4): the spec's value wins for kid; for alg and use, both may be given but must
 * agree; alg is required from one of them; use defaults to sig. A kid taken from the key must
 * pass the same rule as a kid written in the spec.
 */
export function resolveKeyMeta(written: WrittenKeyMeta, jwk: Jwk): KeyMetaResult {
  const problems: string[] = [];
  const ownAlg = jwk.alg;
  const ownUse = jwk.use;

  if (ownAlg !== undefined && written.alg !== null && ownAlg !== written.alg) {
    problems.push(
      `has its own alg ${quote(ownAlg)}, which disagrees with alg ${quote(written.alg)} in the spec`,
    );
  } else if (written.alg === null && ownAlg !== undefined && !SOURCE_ALGS.includes(ownAlg)) {
    problems.push(`has its own alg ${quote(ownAlg)}, which keysync does not know; set alg: in the spec`);
  }
  if (ownUse !== undefined && ownUse !== "sig" && ownUse !== "enc") {
    problems.push(`has its own use ${quote(ownUse)}, which is neither sig nor enc`);
  } else if (ownUse !== undefined && written.use !== null && ownUse !== written.use) {
    problems.push(
      `has its own use ${quote(ownUse)}, which disagrees with use ${quote(written.use)} in the spec`,
    );
  }
  const alg = written.alg ?? ownAlg ?? null;
  if (alg === null)
    problems.push(`carries no alg; add alg: to the key in the spec (e.g. ${suggestAlg(jwk)})`);
  if (written.kid === null && jwk.kid !== undefined) {
    const kidProblem = identifierProblem("kid", jwk.kid);
    if (kidProblem !== null)
      problems.push(`has its own kid, which cannot be used: ${kidProblem}; set kid: in the spec`);
  }
  if (problems.length > 0 || alg === null) return { ok: false, problems };

  const use: KeyUse = written.use ?? (ownUse === "enc" ? "enc" : "sig");
  return { ok: true, meta: { kid: written.kid ?? jwk.kid ?? null, alg, use } };
}

function suggestAlg(jwk: Jwk): string {
  switch (jwk.kty) {
    case "EC":
      return jwk.crv === "P-384" ? "ES384" : jwk.crv === "P-521" ? "ES512" : "ES256";
    case "OKP":
      return "EdDSA";
    case "oct":
      return "HS256";
    default:
      return "RS256";
  }
}
