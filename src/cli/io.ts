/**
 * The process boundary. Commands receive an `Io` instead of touching `process` so they can be
 * run in-process by tests with captured streams, a fake environment and a fixed working directory.
 */
export interface OutputStream {
  write(text: string): void;
  /** True when a person is watching (drives colour, prompts and live progress lines). */
  readonly isTTY: boolean;
  /** Terminal width when known, for live progress lines. */
  readonly columns?: number | undefined;
}

export interface InputStream {
  readonly isTTY: boolean;
  /** Reads one line (without the newline), or null at end of input. */
  readLine(): Promise<string | null>;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface Io {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly env: Env;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop at the next safe point. */
  readonly signal: AbortSignal;
}
