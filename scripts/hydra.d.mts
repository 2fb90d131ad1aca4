// Types for scripts/hydra.mjs, which the tests import to build and start real Ory Hydra.

/** The version tools/hydra pins. */
export const HYDRA_VERSION: string;

/** Why Hydra cannot be built here (no Go), or null when it can. */
export function whyNoGo(): string | null;

/** The cached binary's path for the committed go.mod and go.sum. */
export function hydraBinaryPath(): string;

export interface HydraBuild {
  readonly binary: string;
  /** 0 when the cached binary was reused. */
  readonly seconds: number;
  readonly reused: boolean;
}

/** Builds Hydra into the cache unless it is there already. Throws when it cannot. */
export function buildHydra(options?: { readonly log?: (line: string) => void }): HydraBuild;

/** A running `hydra serve all --dev` with DSN=memory on free loopback ports. */
export interface HydraProcess {
  readonly adminUrl: string;
  readonly publicUrl: string;
  readonly pid: number;
  /** SIGTERM by PID, SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
  /** The last few kilobytes of Hydra's output. */
  output(): string;
}

export function startHydra(options?: {
  /** Hydra configuration as environment variables, e.g. `{ STRATEGIES_ACCESS_TOKEN: "jwt" }`. */
  readonly env?: Readonly<Record<string, string>>;
  readonly binary?: string;
  readonly readyTimeoutMs?: number;
}): Promise<HydraProcess>;
