import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hasPrivateMaterial } from "../jwk/jwk.js";
import { DEFAULT_RSA_BITS } from "./generate-jwk.js";
import { handleRequest } from "./handle-request.js";
import type { Dispatch, PipelineContext } from "./handle-request.js";
import { embeddedDispatch } from "./embedded-dispatch.js";
import { extend } from "./extend.js";
import { DEFAULT_BROADCAST_SETS, JwkService } from "./jwk-service.js";
import { JwkStore, kidOf } from "./jwk-store.js";
import { SnapshotWriter, loadSnapshot } from "./persist-store.js";
import { DEFAULT_MAX_BODY_BYTES } from "./read-body.js";
import { ServeError } from "./serve-error.js";
import { ServerState } from "./server-state.js";
import type { FrontOptions, FrontServer, RunningServer, ServerOptions } from "./server-types.js";

/**
 * Starts the embedded Ory-compatible JWK admin server (design/contract.md §8; behaviour per
 * ory/hydra-jwk-contract.md §1–§9) and resolves once it is listening. Rejects with a
 * `ServeError` when the port is taken or the data file is unusable.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const rsaBits = options.rsaBits ?? DEFAULT_RSA_BITS;
  if (!Number.isInteger(rsaBits) || rsaBits < 1024 || rsaBits > 16384) {
    throw new RangeError(`rsaBits must be a whole number from 1024 to 16384, got ${rsaBits}`);
  }
  const snapshot = options.dataFile === undefined ? null : await loadSnapshot(options.dataFile);
  const writer = options.dataFile === undefined ? null : new SnapshotWriter(options.dataFile);
  const service = new JwkService({
    store: new JwkStore(snapshot ?? undefined),
    writer,
    rsaBits,
    broadcastSets: options.broadcastSets ?? DEFAULT_BROADCAST_SETS,
  });
  let url = "";
  const front = await startFront(
    options,
    embeddedDispatch(service, () => url),
  );
  url = front.url;
  const controls: Omit<RunningServer, keyof FrontServer> & Pick<RunningServer, "close"> = {
    close: async () => {
      await front.close();
      await writer?.idle();
    },
    keys: (setId) => Promise.resolve(structuredClone(service.store.getSet(setId) ?? [])),
    putRaw: async (setId, jwk) => {
      service.store.upsert(setId, jwk);
      await service.persist();
    },
    deleteRaw: async (setId, kid) => {
      const changed =
        kid === undefined ? service.store.deleteSet(setId) : service.store.deleteKey(setId, kid);
      if (changed) await service.persist();
    },
    sign: async (setId) => {
      const keys = await service.readOrGenerateSigning(setId);
      const signer = keys.find(hasPrivateMaterial);
      return signer === undefined ? "" : kidOf(signer);
    },
  };
  return extend(front, controls);
}

/** Request-log entries an in-process server keeps by default (the oldest are dropped). */
const DEFAULT_LOG_ENTRIES = 100_000;

/**
 * The server's front: it listens, logs every request, injects faults and latency, checks the
 * token and the write limit, then hands the request to `dispatch`. `startServer` puts the
 * embedded Hydra look-alike behind it; keysync's tests put a forwarder to a real Hydra behind
 * it, so both are observed and faulted by the same code.
 */
export async function startFront(options: FrontOptions, dispatch: Dispatch): Promise<FrontServer> {
  const host = options.host ?? "127.0.0.1";
  const state = new ServerState({
    faults: options.faults ?? null,
    latency: options.latencyMs ?? null,
    writeRateLimit: options.writeRateLimit ?? null,
    logLimit: options.requestLog === false ? 0 : (options.requestLog?.maxEntries ?? DEFAULT_LOG_ENTRIES),
  });
  const closing = new AbortController();
  let listening = { host, port: 0 };
  const ctx: PipelineContext = {
    dispatch,
    listening: () => listening,
    state,
    token: options.token ?? null,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    closing: closing.signal,
  };
  const pending = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const run = handleRequest(ctx, req, res).catch(() => {
      res.destroy();
    });
    pending.add(run);
    void run.finally(() => {
      pending.delete(run);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(listenError(error, host, options.port ?? 0));
    });
    server.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  // After start-up, a server-level error (e.g. EMFILE on accept) must not crash the process.
  server.on("error", () => undefined);
  const port = (server.address() as AddressInfo).port;
  listening = { host, port };
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      const stopped = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeAllConnections();
      await stopped;
      await Promise.allSettled([...pending]);
    })();
    return closed;
  };

  return {
    url,
    host,
    port,
    close,
    get requests() {
      return state.requests();
    },
    clearRequests: () => {
      state.clearRequests();
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxConcurrency() {
      return state.maxConcurrency;
    },
    get maxSetConcurrency() {
      return state.maxSetConcurrency;
    },
    resetConcurrency: () => {
      state.resetConcurrency();
    },
    setFaults: (policy) => {
      state.faults = policy;
    },
    setLatency: (latency) => {
      state.latency = latency;
    },
    setWriteRateLimit: (limit) => {
      state.setWriteRateLimit(limit);
    },
  };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case "EADDRINUSE":
      return new ServeError(`port ${port} on ${host} is already in use; choose another with --port`);
    case "EACCES":
      return new ServeError(`not allowed to listen on ${host}:${port}; choose a port above 1023 with --port`);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return new ServeError(`cannot listen on ${host}: no such local address`);
    case undefined:
    default:
      return new ServeError(`cannot listen on ${host}:${port}: ${error.code ?? "error"}`);
  }
}
