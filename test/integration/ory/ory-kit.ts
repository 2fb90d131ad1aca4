import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { expect } from "vitest";
import { OryError } from "../../../src/errors.js";
import type { OryErrorKind } from "../../../src/errors.js";
import type { KeyStore } from "../../../src/ory/key-store.js";
import { createKeyStore } from "../../../src/ory/ory-key-store.js";
import type { KeyStoreOptions } from "../../../src/ory/ory-key-store.js";
import type { RetryEvent } from "../../../src/ory/retry-event.js";
import type { Target } from "../../../src/ory/target.js";
import type { LoggedRequest } from "../../../src/server/index.js";
import { assertMatchesSchema } from "../../support/openapi.js";

/** Shared pieces of the adapter's integration tests: targets, a virtual clock, log oracles. */

export function targetFor(url: string, token: string | null = null): Target {
  return {
    url,
    from: "--target",
    token,
    tokenEnv: token === null ? null : "ORY_PROJECT_API_KEY",
  };
}

/**
 * A clock whose sleeps return at once and move time forward, so tests that wait out 429s and
 * backoffs run fast and record every wait. Pacing and backoff see the same clock.
 */
export interface VirtualClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly sleeps: number[];
}

export function virtualClock(): VirtualClock {
  let offset = 0;
  const sleeps: number[] = [];
  return {
    now: () => performance.now() + offset,
    sleep: async (ms) => {
      sleeps.push(ms);
      offset += ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    sleeps,
  };
}

export interface TestStore {
  readonly store: KeyStore;
  readonly events: RetryEvent[];
  readonly clock: VirtualClock;
}

/** A store on a virtual clock that records its retry events. */
export function testStore(
  url: string,
  options: Partial<Omit<KeyStoreOptions, "target">> & { readonly token?: string | null } = {},
): TestStore {
  const events: RetryEvent[] = [];
  const clock = virtualClock();
  const { token, ...rest } = options;
  const store = createKeyStore({
    target: targetFor(url, token ?? null),
    timeoutMs: 5000,
    random: () => 0.5,
    now: clock.now,
    sleep: clock.sleep,
    onRetry: (event) => events.push(event),
    ...rest,
  });
  return { store, events, clock };
}

/** Awaits a rejection and checks it is an `OryError` of `kind`. */
export async function oryError(promise: Promise<unknown>, kind: OryErrorKind): Promise<OryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OryError);
  expect({ kind: (error as OryError).kind, message: (error as OryError).message }).toMatchObject({ kind });
  return error as OryError;
}

/** Log entries that are keysync's POSTs for `kid` (the kid is in the body). */
export function postsOf(requests: readonly LoggedRequest[], kid: string): LoggedRequest[] {
  return requests.filter(
    (r) => r.method === "POST" && (r.body as { kid?: unknown } | undefined)?.kid === kid,
  );
}

/**
 * The idempotency guard as seen by the server: every POST for a kid after the first one is
 * preceded, since the previous POST for it, by a GET of that kid — unless that previous POST
 * was answered 429, which Ory sends before processing anything (the one blind re-send).
 */
export function expectGetBeforeEveryResentPost(requests: readonly LoggedRequest[]): void {
  const lastPost = new Map<string, LoggedRequest>();
  const checkedSince = new Set<string>();
  for (const r of requests) {
    const kid = (r.body as { kid?: unknown } | undefined)?.kid;
    if (r.operation === "getJsonWebKey" && r.kid !== null) checkedSince.add(`${r.setId ?? ""}/${r.kid}`);
    if (r.method !== "POST" || typeof kid !== "string") continue;
    const address = `${r.setId ?? ""}/${kid}`;
    const previous = lastPost.get(address);
    if (previous !== undefined && previous.status !== 429) {
      expect(checkedSince.has(address), `POST #${r.seq} for ${address} re-sent without a GET first`).toBe(
        true,
      );
    }
    lastPost.set(address, r);
    checkedSince.delete(address);
  }
}

/** Every body keysync sent validates against Ory's OpenAPI schemas, with no extra members. */
export function expectBodiesMatchOpenApi(requests: readonly LoggedRequest[]): number {
  let checked = 0;
  for (const r of requests) {
    if (r.operation === "createJsonWebKeySet") {
      assertMatchesSchema("createJsonWebKeySet", r.body, { noExtraMembers: true });
      checked++;
    } else if (r.operation === "setJsonWebKey") {
      assertMatchesSchema("jsonWebKey", r.body, { noExtraMembers: true });
      checked++;
    }
  }
  return checked;
}

/** A throwaway loopback HTTP server answering with `handler`; not Ory. */
export async function startPlainServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A loopback port with nothing listening on it. */
export async function closedPortUrl(): Promise<string> {
  const plain = await startPlainServer(() => undefined);
  await plain.close();
  return plain.url;
}
