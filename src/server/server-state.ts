import type { FaultPolicy } from "./faults.js";
import type { Latency, LoggedRequest } from "./server-types.js";
import { newLogSalt } from "./log-body.js";
import { TokenBucket } from "./token-bucket.js";
import type { WriteRateLimit } from "./token-bucket.js";

/** What the server learns about a request after it logged it: written while it is handled. */
type LearntLater = "body" | "bodyBytes" | "status" | "fault" | "committedStatus";

/** A log entry while its request is being handled; frozen copies go out to tests. */
export type LogEntry = Omit<LoggedRequest, LearntLater> & {
  -readonly [K in LearntLater]: LoggedRequest[K];
};

/**
 * The server's mutable test knobs and counters, shared by the request pipeline and the
 * in-process API. Nothing here is reachable over HTTP.
 */
export class ServerState {
  faults: FaultPolicy | null;
  latency: Latency | null;
  bucket: TokenBucket | null;
  bucketLimit: WriteRateLimit | null;
  seq = 0;
  inFlight = 0;
  maxConcurrency = 0;
  maxSetConcurrency = 0;
  readonly #perSet = new Map<string, number>();
  #log: LogEntry[] = [];
  /** Most entries kept (the oldest go first); 0 keeps none. */
  readonly #logLimit: number;
  /** Keys the fingerprints that stand in for private members in logged bodies. */
  readonly logSalt = newLogSalt();

  constructor(options: {
    readonly faults: FaultPolicy | null;
    readonly latency: Latency | null;
    readonly writeRateLimit: WriteRateLimit | null;
    readonly logLimit: number;
  }) {
    this.#logLimit = options.logLimit;
    this.faults = options.faults;
    this.latency = options.latency;
    this.bucketLimit = options.writeRateLimit;
    this.bucket = options.writeRateLimit === null ? null : new TokenBucket(options.writeRateLimit);
  }

  setWriteRateLimit(limit: WriteRateLimit | null): void {
    this.bucketLimit = limit;
    this.bucket = limit === null ? null : new TokenBucket(limit);
  }

  record(entry: LogEntry): void {
    if (this.#logLimit === 0) return;
    this.#log.push(entry);
    // Trim in batches, so a long-running server does not shift the array on every request.
    if (this.#log.length > this.#logLimit * 1.25) this.#log = this.#log.slice(-this.#logLimit);
  }

  requests(): readonly LoggedRequest[] {
    return this.#log.map((e) => Object.freeze({ ...e }));
  }

  clearRequests(): void {
    this.#log = [];
  }

  /** Counts a request in; returns the matching count-out, to call exactly once. */
  enter(setId: string | null): () => void {
    this.inFlight += 1;
    this.maxConcurrency = Math.max(this.maxConcurrency, this.inFlight);
    if (setId !== null) {
      const n = (this.#perSet.get(setId) ?? 0) + 1;
      this.#perSet.set(setId, n);
      this.maxSetConcurrency = Math.max(this.maxSetConcurrency, n);
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
      if (setId !== null) {
        const n = (this.#perSet.get(setId) ?? 1) - 1;
        if (n === 0) this.#perSet.delete(setId);
        else this.#perSet.set(setId, n);
      }
    };
  }

  resetConcurrency(): void {
    this.maxConcurrency = this.inFlight;
    this.maxSetConcurrency = Math.max(0, ...this.#perSet.values());
  }
}
