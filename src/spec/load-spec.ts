import { readFile, stat } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import type { Env } from "../cli/io.js";
import { FileError, SpecError } from "../errors.js";
import type { Diagnostic } from "../errors.js";
import type { DesiredSpec } from "./types.js";

/** Spec files larger than this are refused before parsing (hostile-input guard). */
export const MAX_SPEC_BYTES = 1024 * 1024;

export interface LoadSpecOptions {
  /** Absolute path of the spec file. */
  readonly path: string;
  /** How to name the file in messages (as the user typed it). */
  readonly displayPath: string;
  /** Environment for `env:` references; only `KEYSYNC_*` names are ever read. */
  readonly env: Env;
}

/**
 * Reads, parses and validates a spec file. Throws `FileError` when the file cannot be read and
 * `SpecError` with every problem found otherwise.
 */
export async function loadSpec(options: LoadSpecOptions): Promise<DesiredSpec> {
  const text = await readSpecText(options.path, options.displayPath);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { position: { file: options.displayPath, line: pos.line, column: pos.col }, message: e.message };
  });
  if (diagnostics.length > 0) throw new SpecError(diagnostics);
  throw new SpecError([
    {
      position: { file: options.displayPath, line: 1, column: 1 },
      message: "schema validation is not built yet",
    },
  ]);
}

async function readSpecText(path: string, displayPath: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FileError(`${displayPath} is not a file`);
    if (info.size > MAX_SPEC_BYTES) {
      throw new FileError(
        `${displayPath} is ${info.size} bytes; spec files are limited to ${MAX_SPEC_BYTES}`,
      );
    }
    return await readFile(path, "utf8");
  } catch (error: unknown) {
    if (error instanceof FileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new FileError(`${displayPath}: no such file`);
    if (code === "EACCES") throw new FileError(`${displayPath}: permission denied`);
    throw new FileError(`${displayPath}: cannot be read (${code ?? "unknown error"})`);
  }
}
