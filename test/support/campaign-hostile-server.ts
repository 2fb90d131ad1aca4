import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server that answers every request with the next scripted, usually hostile,
 * reply: whatever status, headers and body a case asks for, delivered normally or broken off
 * (connection reset before or in the middle of the body, a Content-Length that lies, no answer
 * at all). It knows nothing about Ory: it is the opposite of the embedded server.
 */

/** A body, described so that huge and deeply nested ones are built only when sent. */
export type BodySpec =
  | { readonly kind: "text"; readonly text: string }
  /** `opener` followed by filler up to `bytes` bytes: over the adapter's 8 MiB cap. */
  | { readonly kind: "huge"; readonly opener: string; readonly bytes: number }
  /** JSON nested `depth` levels deep, as bare arrays, objects, or inside a `keys` array. */
  | { readonly kind: "deep"; readonly shape: "array" | "object" | "keys"; readonly depth: number };

export type Delivery =
  | "normal"
  /** Destroy the connection before answering. */
  | "reset-before"
  /** Send the headers and half the body, then destroy the connection. */
  | "reset-mid-body"
  /** Announce a longer body than is sent, then end. */
  | "short-body"
  /** Never answer; the client's timeout has to end it. */
  | "stall";

export interface ReplySpec {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BodySpec;
  readonly delivery: Delivery;
}

export interface HostileServer {
  readonly url: string;
  /** Scripts the next requests: the n-th request gets `replies[n]`, later ones the last reply. */
  script(replies: readonly ReplySpec[]): void;
  /** Requests seen since the last `script` call, as `METHOD path`. */
  readonly seen: readonly string[];
  /** Ends stalled answers (between cases). */
  dropStalled(): void;
  close(): Promise<void>;
}

/** Huge bodies are built once, as Buffers (outside the JS heap the campaign measures). */
const hugeBodies = new Map<string, Buffer>();

/** The bytes of a body spec. */
export function bodyBytes(body: BodySpec): Buffer {
  switch (body.kind) {
    case "text":
      return Buffer.from(body.text, "utf8");
    case "huge": {
      const key = `${body.opener}:${body.bytes}`;
      const cached = hugeBodies.get(key);
      if (cached !== undefined) return cached;
      const bytes = Buffer.alloc(Math.max(body.bytes, body.opener.length), "A");
      bytes.write(body.opener, 0, "utf8");
      hugeBodies.set(key, bytes);
      return bytes;
    }
    case "deep":
      if (body.shape === "array") return Buffer.from("[".repeat(body.depth) + "]".repeat(body.depth));
      if (body.shape === "object")
        return Buffer.from('{"a":'.repeat(body.depth) + "1" + "}".repeat(body.depth));
      return Buffer.from(`{"keys":[${"[".repeat(body.depth)}${"]".repeat(body.depth)}]}`);
  }
}

export async function startHostileServer(): Promise<HostileServer> {
  let replies: readonly ReplySpec[] = [];
  let seen: string[] = [];
  const stalled = new Set<ServerResponse>();
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const reply = replies[Math.min(seen.length, replies.length - 1)];
    seen.push(`${req.method ?? "?"} ${req.url ?? "?"}`);
    if (reply === undefined || reply.delivery === "reset-before") {
      res.destroy();
      return;
    }
    if (reply.delivery === "stall") {
      stalled.add(res);
      res.on("close", () => stalled.delete(res));
      return;
    }
    const body = bodyBytes(reply.body);
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.delivery === "short-body") headers["content-length"] = String(body.length + 100);
    try {
      res.writeHead(reply.status, headers);
    } catch {
      res.destroy();
      return;
    }
    if (reply.delivery === "reset-mid-body") {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    if (reply.delivery === "short-body") {
      res.write(body, () => res.destroy());
      return;
    }
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    req.on("error", () => undefined);
    res.on("error", () => undefined);
    // Read (and drop) the request body first, as a real server would.
    req.resume();
    req.on("end", () => {
      answer(req, res);
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    script(next) {
      replies = next;
      seen = [];
    },
    get seen() {
      return [...seen];
    },
    dropStalled() {
      for (const res of stalled) res.destroy();
      stalled.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled) res.destroy();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
