import { resolve } from "node:path";
import { loadSpec } from "../../spec/load-spec.js";
import { ciSurfaceFor } from "../github/ci-surface.js";
import type { CommandContext } from "../main.js";

export interface ValidateOptions {
  readonly file: string;
}

/**
 * `keysync validate`: schema and semantic checks, every `source` resolved, no network. In GitHub
 * Actions its problems also become `::error` annotations at their FILE:LINE:COLUMN (reportError).
 */
export async function runValidate(opts: ValidateOptions, ctx: CommandContext): Promise<number> {
  const { io } = ciSurfaceFor(ctx.io);
  const spec = await loadSpec({ path: resolve(io.cwd, opts.file), displayPath: opts.file, env: io.env });
  const keys = spec.sets.reduce((n, s) => n + s.keys.length, 0);
  io.stdout.write(
    `${opts.file}: valid (${spec.sets.length} ${plural(spec.sets.length, "set")}, ${keys} ${plural(keys, "key")})\n`,
  );
  return 0;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
