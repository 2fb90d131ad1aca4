import { dirname, isAbsolute, resolve } from "node:path";
import type { Env } from "../../cli/io.js";
import { KeysyncError } from "../../errors.js";
import type { SourceRef } from "../rules/source-ref.js";
import { keyPairProblem } from "./check-key-pair.js";
import { weakKeyProblem } from "./weak-key.js";
import { parseKeyMaterial } from "./parse-key-material.js";
import type { MaterialResult } from "./parse-key-material.js";
import { MAX_KEY_FILE_BYTES } from "./read-key-file.js";

/**
 * Reads the key file at `absPath` for the spec at `specPath`: null when it does not exist. May
 * throw `FileError` with a short reason ("is a directory", or that the path is outside what the
 * spec may read); anything else it throws is reported as "cannot be read". `readKeyFile` is the
 * real one (it confines reads to the spec's tree); tests pass an in-memory map.
 */
export type ReadKeyFile = (absPath: string, specPath: string) => Promise<Uint8Array | null>;

/** What resolving a `source` needs from the outside world, passed in so the core stays testable. */
export interface MaterialContext {
  /** Absolute path of the spec file: `file:` paths are relative to its directory. */
  readonly specPath: string;
  /** Only `KEYSYNC_*` names are ever read from it. */
  readonly env: Env;
  readonly readFile: ReadKeyFile;
}

/**
 * Fetches the bytes a reference points at and turns them into one checked key: parsed, member
 * rules passed, private and public parts proven to belong together. Problems are verb phrases
 * to follow the reference ("file:a.pem does not exist"). Never throws.
 */
export async function loadMaterial(ref: SourceRef, ctx: MaterialContext): Promise<MaterialResult> {
  let bytes: Uint8Array;
  if (ref.kind === "env") {
    const value = ctx.env[ref.name];
    if (value === undefined) return fail("is not set: the environment has no such variable");
    if (value.trim() === "") return fail("is set but empty");
    bytes = Buffer.from(value, "utf8");
  } else {
    const path = isAbsolute(ref.path) ? ref.path : resolve(dirname(ctx.specPath), ref.path);
    try {
      const read = await ctx.readFile(path, ctx.specPath);
      if (read === null) return fail("does not exist (file: paths are relative to the spec file)");
      bytes = read;
    } catch (error: unknown) {
      return fail(error instanceof KeysyncError ? error.message : "cannot be read");
    }
  }
  if (bytes.length > MAX_KEY_FILE_BYTES) {
    return fail(`holds ${bytes.length} bytes; a key source is limited to ${MAX_KEY_FILE_BYTES}`);
  }
  const parsed = parseKeyMaterial(bytes);
  if (!parsed.ok) return parsed;
  const problem = weakKeyProblem(parsed.jwk) ?? keyPairProblem(parsed.jwk);
  return problem === null ? parsed : fail(problem);
}

function fail(problem: string): MaterialResult {
  return { ok: false, problems: [problem] };
}
