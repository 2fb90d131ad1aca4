import { isLoopbackHost } from "../../loopback.js";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { startServer } from "../../server/index.js";
import type { ServerOptions } from "../../server/index.js";
import type { CommandContext } from "../main.js";
import { parsePort } from "../options.js";

/** Flags as commander hands them over: strings, parsed and checked here. */
export interface ServeFlags {
  readonly port: string;
  readonly host: string;
  readonly data?: string | undefined;
  readonly token?: string | undefined;
  readonly tokenFile?: string | undefined;
  readonly rsaBits: string;
}

/**
 * `keysync serve`: runs the embedded Ory-compatible JWK admin server until SIGINT/SIGTERM
 * (design/contract.md §8), then closes it and exits 0. Prints one line with the URL on stdout;
 * never prints the token or any key.
 *
 * The default port is Hydra's admin port 4445, so keysync's usual target works unchanged. The
 * server hands private keys to anyone who can reach it, so it refuses a non-loopback `--host`
 * unless `--token` is set.
 */
export async function runServe(flags: ServeFlags, { io, interrupts }: CommandContext): Promise<number> {
  const port = parsePort(flags.port);
  const rsaBits = parseRsaBits(flags.rsaBits);
  const token = await serveToken(flags, io);
  if (!isLoopbackHost(flags.host) && token === undefined) {
    throw new UsageError(
      `refusing to serve private keys on the non-loopback host ${flags.host} without a token; ` +
        "give a token (--token-file, KEYSYNC_SERVE_TOKEN or --token), or use --host 127.0.0.1",
    );
  }
  const dataFile = flags.data === undefined ? undefined : resolve(io.cwd, flags.data);
  const options: ServerOptions = {
    host: flags.host,
    port,
    rsaBits,
    ...(dataFile === undefined ? {} : { dataFile }),
    ...(token === undefined ? {} : { token }),
    // Nothing reads the request log of a server run from the command line: keep none.
    requestLog: false,
  };
  const server = await startServer(options);
  const where = flags.data === undefined ? "in memory" : `keys in ${flags.data}`;
  const auth = token === undefined ? "" : ", bearer token required";
  io.stdout.write(`keysync serve: Ory-compatible JWK admin API on ${server.url} (${where}${auth})\n`);

  // SIGINT/SIGTERM is how a server is meant to stop: no notice, exit 0 once it has closed.
  interrupts.describeStopWith(() => null);
  await new Promise<void>((done) => {
    if (io.signal.aborted) done();
    else {
      io.signal.addEventListener(
        "abort",
        () => {
          done();
        },
        { once: true },
      );
    }
  });
  await server.close();
  return 0;
}

const MAX_TOKEN_FILE_BYTES = 4096;

/**
 * The bearer token: `--token-file FILE` (first line), `KEYSYNC_SERVE_TOKEN`, or `--token` (which
 * other local users can read in `ps`). At most one of them.
 */
async function serveToken(flags: ServeFlags, io: CommandContext["io"]): Promise<string | undefined> {
  const fromEnv = io.env["KEYSYNC_SERVE_TOKEN"];
  const given = [flags.token, flags.tokenFile, fromEnv === "" ? undefined : fromEnv].filter(
    (t) => t !== undefined,
  );
  if (given.length > 1) {
    throw new UsageError("give the token one way: --token, --token-file or KEYSYNC_SERVE_TOKEN");
  }
  let token = flags.token ?? fromEnv;
  if (flags.tokenFile !== undefined) {
    const path = resolve(io.cwd, flags.tokenFile);
    try {
      // A regular file of a few bytes: never a FIFO that blocks or a device that never ends.
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_TOKEN_FILE_BYTES) throw new Error("not a small regular file");
      token = (await readFile(path, "utf8")).split(/\r?\n/)[0];
    } catch {
      throw new UsageError(
        `cannot read the token file ${flags.tokenFile} (it must be a regular file of at most ${MAX_TOKEN_FILE_BYTES} bytes)`,
      );
    }
  }
  if (token?.trim() === "") throw new UsageError("the token must not be empty");
  return token?.trim();
}

function parseRsaBits(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2048 || n > 8192) {
    throw new UsageError(`--rsa-bits must be a whole number from 2048 to 8192, got "${value}"`);
  }
  return n;
}
