/**
 * The embedded Ory-compatible JWK admin server (`keysync serve`): a stand-in for Hydra's
 * `/admin/keys` API and `/.well-known/jwks.json`, with test knobs. See docs/serve.md.
 */
export { startFront, startServer } from "./start-server.js";
export { extend } from "./extend.js";
export type {
  FrontOptions,
  FrontServer,
  Latency,
  LoggedRequest,
  RunningServer,
  ServerOptions,
} from "./server-types.js";
export type { Dispatch, DispatchRequest } from "./handle-request.js";
export type { Route } from "./route-request.js";
export type { Reply } from "./reply.js";
export { combineFaults, failNth, failOnce, failTimes, isWrite, matching } from "./faults.js";
export type { Fault, FaultPolicy, FaultRequest, RequestPredicate } from "./faults.js";
export { mulberry32, seededFaults } from "./seeded-faults.js";
export type { SeededFaultKind, SeededFaultOptions } from "./seeded-faults.js";
export type { WriteRateLimit } from "./token-bucket.js";
export type { AdminOperationId, OperationId } from "./route-request.js";
export { DEFAULT_BROADCAST_SETS, RESERVED_SETS } from "./jwk-service.js";
export { DEFAULT_RSA_BITS, PS_RSA_BITS } from "./generate-jwk.js";
export { ServeError } from "./serve-error.js";
