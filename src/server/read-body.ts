import type { IncomingMessage } from "node:http";

/** Default cap on request bodies: a JWK set is kilobytes, so 1 MiB is generous. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult =
  | { readonly kind: "ok"; readonly bytes: Buffer }
  /** Over the cap: the rest was read and thrown away so the client still gets the 413. */
  | { readonly kind: "too-large"; readonly received: number };

/**
 * Reads a request body, keeping at most `limit` bytes in memory. Hydra has no limit (§2), but a
 * server anyone can point CI at must not be made to buffer gigabytes. A client that keeps
 * sending long after the cap (16×) is cut off.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) chunks.push(chunk);
      else if (received > limit * 16) req.destroy();
    });
    req.on("end", () => {
      resolve(
        received <= limit ? { kind: "ok", bytes: Buffer.concat(chunks) } : { kind: "too-large", received },
      );
    });
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted"));
    });
  });
}
