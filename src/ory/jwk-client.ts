import { createRequire } from "node:module";
import type * as OryClient from "@ory/client";
import type { JwkApi } from "@ory/client";
import type { AxiosResponse, AxiosStatic, RawAxiosRequestConfig } from "axios";
import { isLoopbackHostname } from "../loopback.js";
import { KEYSYNC_VERSION } from "../version.js";
import type { Target } from "./target.js";

// Both loaded as the CommonJS modules they are. @ory/client requires axios' CommonJS bundle, so
// importing axios as ESM as well loaded a second copy (its ESM files), and importing @ory/client
// as ESM made Node scan its 1.2 MB api.js for named exports: together about 250 ms of every
// command that talks to Ory (npm run bench, start-up of plan).
const loadCommonJs = createRequire(import.meta.url);
const { Configuration, JwkApi: JwkApiClass } = loadCommonJs("@ory/client") as typeof OryClient;
const axios = loadCommonJs("axios") as AxiosStatic;

/** Largest answer keysync reads (a set of hundreds of RSA keys is well under 1 MiB). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Largest body keysync sends. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/**
 * One call of a `JwkApi` method with per-attempt options (the abort signal). Resolves with any
 * HTTP answer (keysync's `validateStatus` accepts every status); rejects only on transport errors.
 * `data` is the raw body text.
 */
export type JwkCall = (options: RawAxiosRequestConfig) => Promise<AxiosResponse<unknown>>;

/**
 * The `@ory/client` JWK API on an axios instance keysync owns (hydra-jwk-contract.md §13):
 *
 * - `basePath` is the target URL, which `resolveTarget` already stripped of a trailing `/`
 *   (the client concatenates strings, §13.4);
 * - `Authorization: Bearer` only when the target has a token (self-hosted Hydra has none);
 * - `Accept: application/json`, so Hydra's router answers a wrong path with its JSON 404
 *   (`{"error":{"code":404,…}}`, §3.1) rather than text or HTML — either way it is recognised;
 * - every status resolves and the body stays text: keysync parses and judges it itself, so no
 *   `AxiosError` for an HTTP status ever exists, and a non-JSON body is seen for what it is;
 * - no redirects (a redirect means the URL is not the admin API), size caps both ways, a
 *   per-attempt timeout, and `User-Agent: keysync/<version>`;
 * - proxies: a loopback target is never proxied, whatever the environment says — plain http to
 *   this machine carries the token and private keys, and a proxy variable must not route them
 *   off it. Any other target follows the usual conventions, through axios (`proxy-from-env`):
 *   `HTTPS_PROXY`/`https_proxy` for https (tunnelled with CONNECT), `HTTP_PROXY`/`http_proxy`
 *   for http, `ALL_PROXY`/`all_proxy` for either, and no proxy for hosts in `NO_PROXY`/`no_proxy`.
 *
 * The returned object holds the token inside `@ory/client`'s `Configuration`: never expose it.
 */
export function createJwkApi(target: Target, timeoutMs: number): JwkApi {
  const instance = axios.create({
    timeout: timeoutMs,
    maxContentLength: MAX_RESPONSE_BYTES,
    maxBodyLength: MAX_REQUEST_BYTES,
    maxRedirects: 0,
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    headers: { "User-Agent": `keysync/${KEYSYNC_VERSION}`, Accept: "application/json" },
    ...(isLoopbackHostname(new URL(target.url).hostname) ? { proxy: false as const } : {}),
  });
  const configuration = new Configuration({
    basePath: target.url,
    ...(target.token === null ? {} : { accessToken: target.token }),
  });
  // @ory/client (CommonJS) is typed against axios' .d.cts, keysync (ESM) against its .d.ts: the
  // same API declared twice, so the instance is handed over through the constructor's own type.
  return new JwkApiClass(
    configuration,
    target.url,
    instance as unknown as ConstructorParameters<typeof JwkApi>[2],
  );
}

/** A response header as one string, or null (axios may give arrays or numbers). */
export function headerOf(response: AxiosResponse<unknown>, name: string): string | null {
  const headers = response.headers as Readonly<Record<string, unknown>>;
  const value = headers[name];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value) && typeof value[0] === "string") return (value as string[]).join(", ");
  return null;
}
