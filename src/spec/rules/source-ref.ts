import { hasUnsafeCharacters } from "../../text/unsafe-characters.js";

/**
 * Where a `source` key's material comes from. `ref` is the reference exactly as written; it
 * names the key in messages (a file path or a variable name, never the material).
 */
export type SourceRef =
  | { readonly kind: "file"; readonly ref: string; readonly path: string }
  | { readonly kind: "env"; readonly ref: string; readonly name: string };

/** Env references are allow-listed to this prefix, so a spec cannot read arbitrary secrets (decK#286). */
export const ENV_PREFIX = "KEYSYNC_";
const ENV_NAME = /^KEYSYNC_[A-Z0-9_]+$/;

export type SourceRefResult =
  { readonly ok: true; readonly ref: SourceRef } | { readonly ok: false; readonly problem: string };

/**
 * Parses a `source` value: `file:PATH` or `env:KEYSYNC_NAME`. A malformed value is never quoted
 * in the problem: people paste key material into the wrong field.
 */
export function parseSourceRef(value: unknown): SourceRefResult {
  if (typeof value !== "string") {
    return problem("source must be a string: file:PATH or env:KEYSYNC_NAME");
  }
  if (value.startsWith("file:")) {
    const path = value.slice("file:".length);
    if (path.trim() === "" || /[\r\n]/.test(path)) {
      return problem("source file: needs a path on one line, e.g. file:keys/partner.pem");
    }
    // The path names the key in every message about it; one that could drive a terminal or
    // reorder a line is refused here, before anything looks for the file.
    if (hasUnsafeCharacters(path)) {
      return problem("source file: paths may not hold control characters or bidi controls");
    }
    return { ok: true, ref: { kind: "file", ref: value, path } };
  }
  if (value.startsWith("env:")) {
    const name = value.slice("env:".length);
    if (!name.startsWith(ENV_PREFIX)) {
      return problem(
        `source env: must name a variable starting with ${ENV_PREFIX}, e.g. env:KEYSYNC_PARTNER_JWK`,
      );
    }
    if (!ENV_NAME.test(name)) {
      return problem(`source env: variable names are ${ENV_PREFIX} followed by A-Z 0-9 _`);
    }
    return { ok: true, ref: { kind: "env", ref: value, name } };
  }
  return problem("source must be file:PATH or env:KEYSYNC_NAME");
}

/** The schema-message form of `parseSourceRef`: the problem, or null when the value is fine. */
export function sourceProblem(value: unknown): string | null {
  const result = parseSourceRef(value);
  return result.ok ? null : result.problem;
}

function problem(text: string): SourceRefResult {
  return { ok: false, problem: text };
}
