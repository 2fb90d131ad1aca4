import { dirname, resolve } from "node:path";

export const DEFAULT_SPEC_FILE = "keysets.yaml";
export const DEFAULT_STATE_FILE = "keysync.state.json";

/** Where the spec and state files are, as absolute paths and as the user should see them. */
export interface Paths {
  readonly specPath: string;
  readonly specDisplay: string;
  readonly statePath: string;
  readonly stateDisplay: string;
}

/**
 * Resolves `-f` and `--state` against the working directory. The default state file sits beside
 * the spec file (contract §2), so `-f infra/keysets.yaml` keeps its state in `infra/`.
 */
export function resolvePaths(cwd: string, file: string, state: string | undefined): Paths {
  const specPath = resolve(cwd, file);
  if (state !== undefined) {
    return { specPath, specDisplay: file, statePath: resolve(cwd, state), stateDisplay: state };
  }
  const statePath = resolve(dirname(specPath), DEFAULT_STATE_FILE);
  const specDir = dirname(file);
  const stateDisplay = specDir === "." ? DEFAULT_STATE_FILE : `${specDir}/${DEFAULT_STATE_FILE}`;
  return { specPath, specDisplay: file, statePath, stateDisplay };
}
