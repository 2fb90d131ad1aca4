import { createHmac, randomBytes } from "node:crypto";
import { PRIVATE_MEMBERS } from "../jwk/jwk.js";

/** Bodies larger than this are not kept in the request log (their size still is). */
export const MAX_LOGGED_BODY_BYTES = 64 * 1024;

/**
 * A request body as the log keeps it: private JWK members (`d p q dp dq qi k oth`), wherever
 * they occur, replaced by a salted fingerprint, so a test can still tell two uploads of
 * different material apart while the log never holds key material. The salt is per server and
 * lives only in memory.
 */
export function redactedBody(value: unknown, salt: Buffer): unknown {
  if (Array.isArray(value)) return value.map((v) => redactedBody(v, salt));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    out[name] = PRIVATE_SET.has(name) ? fingerprint(member, salt) : redactedBody(member, salt);
  }
  return out;
}

export function newLogSalt(): Buffer {
  return randomBytes(32);
}

const PRIVATE_SET: ReadonlySet<string> = new Set(PRIVATE_MEMBERS);

function fingerprint(member: unknown, salt: Buffer): string {
  const digest = createHmac("sha256", salt).update(JSON.stringify(member)).digest("base64url");
  return `[private ${digest.slice(0, 12)}]`;
}
