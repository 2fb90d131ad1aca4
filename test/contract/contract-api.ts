import { afterAll, beforeAll, expect, it } from "vitest";
import type { OperationId } from "../../src/server/index.js";
import { assertMatchesSchema, requestSchemaOf, responseSchemaOf } from "../support/openapi.js";
import { onHydra } from "../support/ory-backend.js";
import { openOryTarget } from "../support/ory-target.js";
import type { HttpResult, OryTarget, RequestOptions } from "../support/ory-target.js";

/**
 * Shared pieces of the contract suite: the exact bodies of hydra-jwk-contract.md §3.2, a thin
 * client that checks every request it sends and every JSON answer it gets against Hydra's
 * OpenAPI schemas, and markers for checks only the embedded server can answer.
 */

export const SET_NOT_FOUND = {
  error: "Not Found",
  error_description: "Unable to locate the requested resource",
};
export const KEY_NOT_FOUND = { error: "Unable to locate the resource", error_description: "" };
export const CONFLICT = {
  error: "Unable to insert or update resource because a resource with that value exists already",
  error_description: "",
};
export const UNSUPPORTED_ALGORITHM = { error: "Bad Request", error_description: "Unsupported key algorithm" };
export const UNRECOGNIZABLE = { error: "error", error_description: "The error is unrecognizable" };
export const MALFORMED = "The request was malformed or contained invalid parameters";
export const DECODE_PREFIX = "Unable to decode the request body: ";
export const NO_CACHE = "private, no-cache, no-store, must-revalidate";

const remote = (process.env["KEYSYNC_IT_ORY_URL"] ?? "") !== "";

/** A check that needs the embedded server's in-process API (`sign()`, raw state): skipped on a real Ory. */
export const itEmbedded = it.skipIf(remote || onHydra);

/**
 * A check that needs the server configured by the test itself (e.g. a custom broadcast set):
 * the embedded server or the test project's own Hydra, never your own Ory.
 */
export const itOwnServer = it.skipIf(remote);

/**
 * A check that adds keys to or deletes Hydra's reserved sets: embedded, the test project's own
 * throwaway Hydra, or a real Ory with permission.
 */
export const itReserved = it.skipIf(remote && process.env["KEYSYNC_IT_ORY_ALLOW_RESERVED"] !== "1");

export interface CallOptions extends RequestOptions {
  /**
   * Skip the OpenAPI check of the answer, for documented gaps between Hydra and its schema
   * (e.g. `jsonWebKey` requires `alg`, but Hydra omits an empty one — §13.3).
   */
  readonly skipResponseSchema?: boolean;
  /** Skip the OpenAPI check of the request body (deliberately invalid bodies). */
  readonly skipRequestSchema?: boolean;
}

export function setPath(setId: string, kid?: string): string {
  return `/admin/keys/${encodeURIComponent(setId)}${kid === undefined ? "" : `/${encodeURIComponent(kid)}`}`;
}

/** One of the eight operations, schema-checked both ways. */
export async function call(
  target: OryTarget,
  operation: OperationId,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<HttpResult> {
  if (options.json !== undefined && options.skipRequestSchema !== true) {
    const schema = requestSchemaOf(operation);
    if (schema !== null) assertMatchesSchema(schema, options.json);
  }
  const res = await target.request(method, path, options);
  if (res.json !== undefined && options.skipResponseSchema !== true) {
    const schema = responseSchemaOf(operation, res.status);
    if (schema !== null) assertMatchesSchema(schema, res.json);
  }
  return res;
}

export type Keys = readonly Record<string, unknown>[];

/** The `keys` of a JWK set answer. */
export function keysOf(res: HttpResult): Keys {
  const body = res.json as { keys?: Keys | null } | undefined;
  return body?.keys ?? [];
}

export function kids(res: HttpResult): readonly unknown[] {
  return keysOf(res).map((k) => k["kid"]);
}

/** The client API, one function per operation. */
export function client(target: OryTarget) {
  return {
    createKey: (set: string, body: unknown, o: CallOptions = {}) =>
      call(target, "createJsonWebKeySet", "POST", setPath(set), { ...o, json: body }),
    setKeySet: (set: string, body: unknown, o: CallOptions = {}) =>
      call(target, "setJsonWebKeySet", "PUT", setPath(set), { ...o, json: body }),
    setKey: (set: string, kid: string, body: unknown, o: CallOptions = {}) =>
      call(target, "setJsonWebKey", "PUT", setPath(set, kid), { ...o, json: body }),
    getSet: (set: string, o: CallOptions = {}) => call(target, "getJsonWebKeySet", "GET", setPath(set), o),
    getKey: (set: string, kid: string, o: CallOptions = {}) =>
      call(target, "getJsonWebKey", "GET", setPath(set, kid), o),
    deleteSet: (set: string) => call(target, "deleteJsonWebKeySet", "DELETE", setPath(set)),
    deleteKey: (set: string, kid: string) => call(target, "deleteJsonWebKey", "DELETE", setPath(set, kid)),
    jwks: (o: CallOptions = {}) => call(target, "discoverJsonWebKeys", "GET", "/.well-known/jwks.json", o),
  };
}

export type Client = ReturnType<typeof client>;

/** A successful JSON answer carries herodot's success content type (§2). */
export function expectSuccessJson(res: HttpResult, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
}

/** An error answer: exact status and body, herodot's error content type (§2, §3.2). */
export function expectHydraError(res: HttpResult, status: number, body: unknown): void {
  expect({ status: res.status, body: res.json }).toEqual({ status, body });
  expect(res.headers.get("content-type")).toBe("application/json");
}

/** A 400 "malformed body" answer, whatever go-jose's exact reason text (§3.2, §5). */
export function expectMalformed(res: HttpResult): void {
  expect(res.status).toBe(400);
  const body = res.json as { error?: unknown; error_description?: unknown };
  expect(body.error).toBe(MALFORMED);
  expect(String(body.error_description)).toMatch(new RegExp(`^${DECODE_PREFIX}`));
  expect(Object.keys(body).sort()).toEqual(["error", "error_description"]);
}

/**
 * The contract target for one test file: opened before its tests (the embedded server, or the
 * real Ory named by KEYSYNC_IT_ORY_URL) and closed after. Read `target` and `api` inside tests.
 */
export function useContractTarget(): { readonly target: OryTarget; readonly api: Client } {
  let opened: { target: OryTarget; api: Client } | undefined;
  beforeAll(async () => {
    const target = await openOryTarget();
    opened = { target, api: client(target) };
  });
  afterAll(() => opened?.target.close());
  const get = (): { target: OryTarget; api: Client } => {
    if (opened === undefined) throw new Error("the contract target is used outside a test");
    return opened;
  };
  return {
    get target() {
      return get().target;
    },
    get api() {
      return get().api;
    },
  };
}
