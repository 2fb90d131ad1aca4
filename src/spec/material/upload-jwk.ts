import type { Jwk } from "../../jwk/jwk.js";
import type { DesiredSourceKey } from "../types.js";
import { keyMembersOf } from "./key-members.js";

/**
 * The JWK keysync PUTs for a source key: the material's key members (`kty` and, per kty,
 * `n e d p q dp dq qi` / `crv x y d` / `crv x d` / `k`, private ones included when present)
 * plus `kid`, `alg` and `use` from the desired key, which win over the material's own. Nothing
 * else: no `x5c` (Hydra would check it against the key), no `key_ops`, no custom members.
 * Every PUT carries kty, kid, alg and use (contract §3).
 */
export function toUploadJwk(material: Jwk, key: Pick<DesiredSourceKey, "kid" | "alg" | "use">): Jwk {
  const { kty, ...members } = keyMembersOf(material);
  return { kty, kid: key.kid, use: key.use, alg: key.alg, ...members };
}
