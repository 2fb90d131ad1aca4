import type { Env, Io } from "../../src/cli/io.js";

/** An in-memory `Io` for running `main()` in-process. */
export interface CapturedIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(
  options: { env?: Env; cwd?: string; tty?: boolean; input?: string[] } = {},
): CapturedIo {
  let out = "";
  let err = "";
  const input = [...(options.input ?? [])];
  const tty = options.tty ?? false;
  return {
    stdout: { write: (s) => void (out += s), isTTY: tty },
    stderr: { write: (s) => void (err += s), isTTY: tty },
    stdin: { isTTY: tty, readLine: () => Promise.resolve(input.shift() ?? null) },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: new AbortController().signal,
    out: () => out,
    err: () => err,
  };
}
