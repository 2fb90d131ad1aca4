import { isAbsolute, relative, resolve, sep } from "node:path";
import { KeysyncError } from "../../errors.js";
import type { Io, OutputStream } from "../io.js";
import { CommandNeutralizer } from "./command-neutralizer.js";
import { appendStepOutputs, appendStepSummary } from "./step-files.js";
import type { AnnotationLevel, AnnotationProperties } from "./workflow-command.js";
import { annotationCommand, workflowCommand } from "./workflow-command.js";

export type StreamName = "stdout" | "stderr";

/**
 * What commands see of the CI they run in. Outside GitHub Actions it changes nothing: `io` is
 * the process's, annotations and groups are no-ops. On a runner (`GITHUB_ACTIONS=true`):
 * - `io` passes every line through a `CommandNeutralizer`, so nothing keysync prints (set IDs,
 *   kids, messages, file names) can be taken for a workflow command; only the commands issued
 *   through this surface reach the runner as commands, each on a line of its own;
 * - `annotate` issues `::error`/`::warning` (on stderr, so stdout stays the product);
 * - `group` folds a section of one stream with `::group::`/`::endgroup::`.
 * The step files follow their variables, as the contract says: `appendSummary` writes when
 * `GITHUB_STEP_SUMMARY` is set, `setOutputs` when `GITHUB_OUTPUT` is.
 */
export interface CiSurface {
  readonly io: Io;
  /** True on a GitHub Actions runner. */
  readonly actions: boolean;
  annotate(level: AnnotationLevel, message: string, properties?: AnnotationProperties): void;
  group(stream: StreamName, title: string, body: () => void): void;
  groupAsync<T>(stream: StreamName, title: string, body: () => Promise<T>): Promise<T>;
  /** Appends `render(maxChars)` to the step summary; a failure is a warning, not an error. */
  appendSummary(render: (maxChars: number) => string): Promise<void>;
  /** Appends `name=value` outputs for later steps; a failure is an error. */
  setOutputs(outputs: Readonly<Record<string, string>>): Promise<void>;
  /** `file` (relative to the working directory) as GitHub names it: relative to the workspace. */
  workspacePath(file: string): string;
  /** `value` as the pretty-printed JSON document keysync prints, inert to the runner in Actions. */
  jsonText(value: unknown): string;
}

/**
 * A JSON text the runner cannot take for a command, with the same data: pretty-printed JSON
 * lines start with white space and `{`, `}`, `[`, `]` or `"`, never `::`, and `##[` can only
 * occur inside a string, where `[` may be written `\u005b`.
 */
export function inertJson(text: string): string {
  return text.replaceAll("##[", "##\\u005b");
}

export function isGithubActions(env: Io["env"]): boolean {
  return env["GITHUB_ACTIONS"] === "true";
}

/** One neutralizer per real stream, shared by every surface made over it. */
const neutralizers = new WeakMap<OutputStream, CommandNeutralizer>();
/** Filtered stream → the real stream it writes to. */
const rawStreams = new WeakMap<OutputStream, OutputStream>();

/** The surface for `io`; cheap, and safe to call again on the `io` it returned. */
export function ciSurfaceFor(io: Io): CiSurface {
  const stdout = rawStreams.get(io.stdout) ?? io.stdout;
  const stderr = rawStreams.get(io.stderr) ?? io.stderr;
  const actions = isGithubActions(io.env);
  const raw = { stdout, stderr };
  const safeIo: Io = actions ? { ...io, stdout: filtered(stdout), stderr: filtered(stderr) } : io;

  const command = (stream: StreamName, line: string): void => {
    if (!actions) return;
    const target = raw[stream];
    const neutralizer = neutralizerFor(target);
    if (!neutralizer.atLineStart) target.write("\n");
    target.write(`${line}\n`);
    neutralizer.reset();
  };
  const env = (name: string): string | undefined => {
    const value = io.env[name];
    return value === undefined || value === "" ? undefined : value;
  };

  return {
    io: safeIo,
    actions,
    annotate(level, message, properties = {}) {
      command("stderr", annotationCommand(level, message, properties));
    },
    group(stream, title, body) {
      command(stream, workflowCommand("group", {}, title));
      try {
        body();
      } finally {
        command(stream, workflowCommand("endgroup", {}, ""));
      }
    },
    async groupAsync(stream, title, body) {
      command(stream, workflowCommand("group", {}, title));
      try {
        return await body();
      } finally {
        command(stream, workflowCommand("endgroup", {}, ""));
      }
    },
    async appendSummary(render) {
      const path = env("GITHUB_STEP_SUMMARY");
      if (path === undefined) return;
      try {
        if (!(await appendStepSummary(resolve(io.cwd, path), render)))
          safeIo.stderr.write("Warning: the step summary is full (1024k); the plan was not added to it\n");
      } catch (error: unknown) {
        if (!(error instanceof KeysyncError)) throw error;
        safeIo.stderr.write(`Warning: ${error.message}\n`);
      }
    },
    async setOutputs(outputs) {
      const path = env("GITHUB_OUTPUT");
      if (path !== undefined) await appendStepOutputs(resolve(io.cwd, path), outputs);
    },
    jsonText(value) {
      const text = `${JSON.stringify(value, null, 2)}\n`;
      return actions ? inertJson(text) : text;
    },
    workspacePath(file) {
      const workspace = env("GITHUB_WORKSPACE");
      if (workspace === undefined) return file;
      const rel = relative(resolve(io.cwd, workspace), resolve(io.cwd, file));
      return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
    },
  };
}

function neutralizerFor(stream: OutputStream): CommandNeutralizer {
  let neutralizer = neutralizers.get(stream);
  if (neutralizer === undefined) {
    neutralizer = new CommandNeutralizer();
    neutralizers.set(stream, neutralizer);
  }
  return neutralizer;
}

function filtered(stream: OutputStream): OutputStream {
  const neutralizer = neutralizerFor(stream);
  const wrapper: OutputStream = {
    write: (text) => {
      stream.write(neutralizer.neutralize(text));
    },
    isTTY: stream.isTTY,
    columns: stream.columns,
  };
  rawStreams.set(wrapper, stream);
  return wrapper;
}
