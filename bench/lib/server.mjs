// The embedded Ory-compatible server, in the bench process, with a fixed injected latency and a
// record of when each request reached its latency step (for the request-phase figures).
import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { startServer } from "../../dist/server/index.js";

// The server's pending latency sleeps all listen on one close signal: with --parallelism 64
// that is more than Node's default of 10 listeners, which only triggers a leak warning.
setMaxListeners(256);

export async function benchServer({ latencyMs, writeRateLimit, rsaBits = 2048 } = {}) {
  let arrivals = [];
  const server = await startServer({
    // 2048 by default: the EC/OKP fixtures never generate RSA, so keep it cheap if a spec ever
    // asks. The real-Hydra comparison passes 4096, Hydra's size, so both servers do the same work.
    rsaBits,
    latencyMs: (request) => {
      arrivals.push({ at: performance.now(), method: request.method });
      return latencyMs;
    },
    ...(writeRateLimit === undefined ? {} : { writeRateLimit }),
  });
  return {
    server,
    /** Forget the requests, arrivals and concurrency seen so far. */
    reset() {
      server.clearRequests();
      server.resetConcurrency();
      arrivals = [];
    },
    /**
     * Counts and timing of what the server saw since the last reset: requests by method,
     * statuses, the most in flight at once, and the request phase (first arrival to last
     * arrival plus one latency: when the last answer went out, give or take handling time).
     */
    observe() {
      const requests = server.requests;
      const byMethod = {};
      const byStatus = {};
      for (const r of requests) {
        byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
        byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
      }
      return {
        requests,
        byMethod,
        byStatus,
        maxConcurrency: server.maxConcurrency,
        phaseMs: phase(arrivals, latencyMs),
        readPhaseMs: phase(
          arrivals.filter((a) => a.method === "GET"),
          latencyMs,
        ),
        writePhaseMs: phase(
          arrivals.filter((a) => a.method !== "GET"),
          latencyMs,
        ),
      };
    },
  };
}

/** First arrival to last arrival, plus the last request's own latency; 0 when none. */
function phase(arrivals, latencyMs) {
  if (arrivals.length === 0) return 0;
  let first = Infinity;
  let last = -Infinity;
  for (const { at } of arrivals) {
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  return last - first + latencyMs;
}
