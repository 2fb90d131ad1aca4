import type { Env } from "../cli/io.js";
import { isLoopbackHostname } from "../loopback.js";
import { TargetError } from "../errors.js";

/** Where keysync talks to and with what credential. `token` is a secret: never print it. */
export interface Target {
  /** Base URL without a trailing `/` and without credentials. */
  readonly url: string;
  /** Which setting the URL came from, for messages. */
  readonly from: "--target" | "ORY_SDK_URL" | "spec" | "state" | "the plan file";
  readonly token: string | null;
  /** The env var the token came from, named in authentication errors. */
  readonly tokenEnv: "ORY_PROJECT_API_KEY" | "ORY_API_KEY" | null;
}

export interface TargetSources {
  readonly flag: string | undefined;
  readonly env: Env;
  /** `target.url` from the spec, or (for commands that read no spec) the state file's target. */
  readonly fallback: { readonly url: string; readonly from: "spec" | "state" | "the plan file" } | null;
  readonly insecureHttp: boolean;
  /** `--insecure-tls`: the user accepts TLS without certificate checks (NODE_TLS_REJECT_UNAUTHORIZED=0). */
  readonly insecureTls?: boolean;
}

/**
 * Resolves the target (contract §3): `--target` > `ORY_SDK_URL` > spec (or state); the token
 * from `ORY_PROJECT_API_KEY`, else `ORY_API_KEY`. Plain http only to loopback unless
 * `--insecure-http`: a token or private keys must not cross a network in clear text.
 */
export function resolveTarget(sources: TargetSources): Target {
  const envUrl = nonEmpty(sources.env["ORY_SDK_URL"]);
  const picked =
    sources.flag !== undefined
      ? { url: sources.flag, from: "--target" as const }
      : envUrl !== undefined
        ? { url: envUrl, from: "ORY_SDK_URL" as const }
        : sources.fallback;
  if (picked === null) {
    throw new TargetError("no target: pass --target URL, set ORY_SDK_URL, or set target.url in the spec");
  }
  const url = normalizeUrl(picked.url, picked.from, sources.insecureHttp);
  // Node obeys NODE_TLS_REJECT_UNAUTHORIZED=0 silently; the token and Ory's answers (private keys)
  // would then cross TLS that anyone on the path can intercept.
  if (url.startsWith("https:") && tlsChecksOff(sources.env) && sources.insecureTls !== true) {
    throw new TargetError(
      `refusing to talk to ${url} (from ${picked.from}): NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks, so the API token and the private keys in Ory's answers could be intercepted; unset it, or pass --insecure-tls if you accept that`,
    );
  }
  const project = nonEmpty(sources.env["ORY_PROJECT_API_KEY"]);
  const api = nonEmpty(sources.env["ORY_API_KEY"]);
  return {
    url,
    from: picked.from,
    token: project ?? api ?? null,
    tokenEnv: project !== undefined ? "ORY_PROJECT_API_KEY" : api !== undefined ? "ORY_API_KEY" : null,
  };
}

function normalizeUrl(raw: string, from: Target["from"], insecureHttp: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new TargetError(`the target from ${from} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TargetError(
      `the target from ${from} must be an http:// or https:// URL, not ${parsed.protocol}`,
    );
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // Credentials in URLs end up in logs and error messages (go-retryablehttp#158).
    throw new TargetError(
      `the target from ${from} contains credentials; pass the API key in ORY_PROJECT_API_KEY instead`,
    );
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new TargetError(`the target from ${from} must not have a query or fragment`);
  }
  if (parsed.protocol === "http:" && !isLoopbackHostname(parsed.hostname) && !insecureHttp) {
    throw new TargetError(
      `refusing plain http to ${parsed.host} (from ${from}): admin responses carry private keys; use https, or pass --insecure-http if this network is trusted`,
    );
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
}

/** Whether the environment turns off Node's TLS certificate checks. */
export function tlsChecksOff(env: Env): boolean {
  return (env["NODE_TLS_REJECT_UNAUTHORIZED"] ?? "").trim() === "0";
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
