/**
 * The embedded Ory-compatible JWK admin server (`keysync serve`): a stand-in for Hydra's
 * `/admin/keys` API and `/.well-known/jwks.json`, with test knobs. See docs/serve.md.
 */
export { startServer } from "./start-server.js";
export type { Latency, LoggedRequest, RunningServer, ServerOptions } from "./server-types.js";
export { combineFaults, failNth, failOnce, failTimes, isWrite, matching } from "./faults.js";
export type { Fault, FaultPolicy, FaultRequest, RequestPredicate } from "./faults.js";
export { mulberry32, seededFaults } from "./seeded-faults.js";
export type { SeededFaultKind, SeededFaultOptions } from "./seeded-faults.js";
export type { WriteRateLimit } from "./token-bucket.js";
export type { AdminOperationId, OperationId } from "./route-request.js";
export { DEFAULT_BROADCAST_SETS, RESERVED_SETS } from "./jwk-service.js";
export { DEFAULT_RSA_BITS, PS_RSA_BITS } from "./generate-jwk.js";
export { ServeError } from "./serve-error.js";
