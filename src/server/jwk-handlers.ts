import { randomUUID } from "node:crypto";
import { assertNever } from "../errors.js";
import { isGenerateAlg } from "../jwk/algorithms.js";
import type { Jwk } from "../jwk/jwk.js";
import { publicPart } from "../jwk/jwk.js";
import { decodeJwk } from "./decode-jwk.js";
import { goTypeName, parseJsonBody, readStringField } from "./go-json.js";
import {
  CONFLICT,
  KEY_NOT_FOUND,
  SET_NOT_FOUND,
  UNRECOGNIZABLE,
  UNSUPPORTED_ALGORITHM,
  hydraErrorReply,
  malformedBody,
} from "./hydra-errors.js";
import type { JwkService } from "./jwk-service.js";
import { emptyReply, jsonReply } from "./reply.js";
import type { Reply } from "./reply.js";
import type { AdminOperationId } from "./route-request.js";

/** A routed admin operation (everything but the JWKS endpoint). */
export interface AdminCall {
  readonly operation: AdminOperationId;
  readonly setId: string;
  readonly kid: string | null;
  readonly body: Buffer;
  /** This server's base URL, for POST's `Location`. */
  readonly baseUrl: string;
}

/** The seven admin operations, per hydra-jwk-contract.md §4.1–§4.7. */
export async function handleAdminCall(service: JwkService, call: AdminCall): Promise<Reply> {
  const { store } = service;
  const { setId } = call;
  switch (call.operation) {
    case "createJsonWebKeySet":
      return createKey(service, call);
    case "setJsonWebKeySet":
      return setKeySet(service, call);
    case "setJsonWebKey":
      return setKey(service, call);
    case "getJsonWebKeySet": {
      const keys = store.getSet(setId);
      return keys === undefined ? hydraErrorReply(SET_NOT_FOUND) : jsonReply(200, { keys });
    }
    case "getJsonWebKey": {
      const key = store.getKey(setId, call.kid ?? "");
      return key === undefined ? hydraErrorReply(KEY_NOT_FOUND) : jsonReply(200, { keys: [key] });
    }
    case "deleteJsonWebKeySet":
      if (store.deleteSet(setId)) await service.persist();
      return emptyReply(204);
    case "deleteJsonWebKey":
      if (store.deleteKey(setId, call.kid ?? "")) await service.persist();
      return emptyReply(204);
    default:
      return assertNever(call.operation, "operation");
  }
}

/**
 * POST (§4.1): body `{alg, use, kid}` decoded by `encoding/json` (unknown fields ignored, names
 * case-insensitive); the alg is checked before anything else, because Hydra generates before it
 * inserts; "" kid → UUIDv4, "" use → `sig`; 201 with only the new key and `Location`.
 */
async function createKey(service: JwkService, call: AdminCall): Promise<Reply> {
  const parsed = parseJsonBody(call.body);
  if (!parsed.ok) return hydraErrorReply(malformedBody(parsed.message));
  const body = parsed.value ?? {};
  if (typeof body !== "object" || Array.isArray(body)) {
    return hydraErrorReply(
      malformedBody(
        `json: cannot unmarshal ${goTypeName(body)} into Go value of type jwk.createJsonWebKeySetBody`,
      ),
    );
  }
  const fields: Record<string, string> = {};
  for (const name of ["alg", "use", "kid"]) {
    const field = readStringField(body as Record<string, unknown>, name, "createJsonWebKeySetBody");
    if (!field.ok) return hydraErrorReply(malformedBody(field.message));
    fields[name] = field.value;
  }
  const alg = fields["alg"] ?? "";
  if (!isGenerateAlg(alg)) return hydraErrorReply(UNSUPPORTED_ALGORITHM);
  const kid = fields["kid"] === undefined || fields["kid"] === "" ? randomUUID() : fields["kid"];
  const use = fields["use"] === undefined || fields["use"] === "" ? "sig" : fields["use"];
  const result = await service.create(call.setId, alg, kid, use);
  if (result.kind === "conflict") return hydraErrorReply(CONFLICT);
  return jsonReply(
    201,
    { keys: [result.jwk] },
    { location: `${call.baseUrl}/keys/${encodeURIComponent(call.setId)}` },
  );
}

/**
 * PUT set (§4.2): decode every key (any failure → 400, nothing changes), then replace the set in
 * body order so the last key is the newest; duplicate kids → 409, nothing changes; no keys → the
 * set is gone. The answer echoes the decoded body (`{}` echoes `{"keys":null}`), not a re-read.
 */
async function setKeySet(service: JwkService, call: AdminCall): Promise<Reply> {
  const parsed = parseJsonBody(call.body);
  if (!parsed.ok) return hydraErrorReply(malformedBody(parsed.message));
  const body = parsed.value ?? {};
  if (typeof body !== "object" || Array.isArray(body)) {
    return hydraErrorReply(
      malformedBody(`json: cannot unmarshal ${goTypeName(body)} into Go value of type jose.JSONWebKeySet`),
    );
  }
  let rawKeys: unknown = null;
  for (const [name, value] of Object.entries(body)) {
    if (name.toLowerCase() === "keys") rawKeys = value;
  }
  if (rawKeys !== null && !Array.isArray(rawKeys)) {
    return hydraErrorReply(
      malformedBody(
        `json: cannot unmarshal ${goTypeName(rawKeys)} into Go struct field JSONWebKeySet.keys of type []jose.JSONWebKey`,
      ),
    );
  }
  const keys: Jwk[] = [];
  for (const raw of (rawKeys ?? []) as unknown[]) {
    const decoded = decodeJwk(raw);
    if (!decoded.ok) return hydraErrorReply(malformedBody(decoded.message));
    keys.push(decoded.jwk);
  }
  if (service.store.replace(call.setId, keys) === "conflict") return hydraErrorReply(CONFLICT);
  await service.persist();
  return jsonReply(200, { keys: rawKeys === null ? null : keys });
}

/**
 * PUT key (§4.3): the path kid is ignored, the body kid is used ("" included — a hazard Hydra
 * has); delete and re-insert, so the key becomes the newest. 200 with the decoded key.
 */
async function setKey(service: JwkService, call: AdminCall): Promise<Reply> {
  const parsed = parseJsonBody(call.body);
  if (!parsed.ok) return hydraErrorReply(malformedBody(parsed.message));
  const decoded = decodeJwk(parsed.value);
  if (!decoded.ok) return hydraErrorReply(malformedBody(decoded.message));
  service.store.upsert(call.setId, decoded.jwk);
  await service.persist();
  return jsonReply(200, decoded.jwk);
}

/**
 * `GET /.well-known/jwks.json` (§4.8): broadcast and reserved sets, missing ones generated first,
 * set by set and newest first, public parts only. A symmetric key has no public part, and
 * go-jose cannot marshal the empty key Hydra makes of it, so one `oct` key anywhere → 500.
 */
export async function handleJwks(service: JwkService): Promise<Reply> {
  const sets = await Promise.all(
    service.wellKnownSets().map((setId) => service.readOrGenerateMissing(setId)),
  );
  const keys: Jwk[] = [];
  for (const jwk of sets.flat()) {
    if (jwk.kty !== "RSA" && jwk.kty !== "EC" && jwk.kty !== "OKP") return hydraErrorReply(UNRECOGNIZABLE);
    keys.push(publicPart(jwk));
  }
  return jsonReply(200, { keys });
}
