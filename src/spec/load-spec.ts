import { readFile, stat } from "node:fs/promises";
import type { Env } from "../cli/io.js";
import { FileError, SpecError } from "../errors.js";
import { checkSpec } from "./check-spec.js";
import { readKeyFile } from "./material/read-key-file.js";
import { MAX_SPEC_BYTES } from "./schema/parsed-spec.js";
import type { DesiredSpec } from "./types.js";

export { MAX_SPEC_BYTES } from "./schema/parsed-spec.js";

export interface LoadSpecOptions {
  /** Absolute path of the spec file. */
  readonly path: string;
  /** How to name the file in messages (as the user typed it). */
  readonly displayPath: string;
  /** Environment for `env:` references; only `KEYSYNC_*` names are ever read. */
  readonly env: Env;
}

/**
 * Reads, parses and validates a spec file, resolving every `source` from disk and `env`.
 * Throws `FileError` when the file cannot be read and `SpecError` with every problem found
 * otherwise (`checkSpec` is the same without the file system).
 */
export async function loadSpec(options: LoadSpecOptions): Promise<DesiredSpec> {
  const text = await readSpecText(options.path, options.displayPath);
  const result = await checkSpec(text, {
    display: options.displayPath,
    specPath: options.path,
    env: options.env,
    readFile: readKeyFile,
  });
  if (!result.ok) throw new SpecError(result.diagnostics);
  return result.spec;
}

async function readSpecText(path: string, displayPath: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FileError(`${displayPath} is not a file`);
    if (info.size > MAX_SPEC_BYTES) {
      throw new FileError(
        `${displayPath} is ${info.size} bytes; spec files are limited to ${MAX_SPEC_BYTES}`,
      );
    }
    bytes = await readFile(path);
  } catch (error: unknown) {
    if (error instanceof FileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new FileError(`${displayPath}: no such file`);
    if (code === "EACCES") throw new FileError(`${displayPath}: permission denied`);
    throw new FileError(`${displayPath}: cannot be read (${code ?? "unknown error"})`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FileError(`${displayPath} is not UTF-8 text`);
  }
}
