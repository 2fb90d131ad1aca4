import { isLoopbackHost } from "../../loopback.js";
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
export async function runServe(flags: ServeFlags, { io }: CommandContext): Promise<number> {
  const port = parsePort(flags.port);
  const rsaBits = parseRsaBits(flags.rsaBits);
  const token = flags.token;
  if (token?.trim() === "") throw new UsageError("--token must not be empty");
  if (!isLoopbackHost(flags.host) && token === undefined) {
    throw new UsageError(
      `refusing to serve private keys on the non-loopback host ${flags.host} without --token; ` +
        "add --token, or use --host 127.0.0.1",
    );
  }
  const dataFile = flags.data === undefined ? undefined : resolve(io.cwd, flags.data);
  const options: ServerOptions = {
    host: flags.host,
    port,
    rsaBits,
    ...(dataFile === undefined ? {} : { dataFile }),
    ...(token === undefined ? {} : { token }),
  };
  const server = await startServer(options);
  const where = flags.data === undefined ? "in memory" : `keys in ${flags.data}`;
  const auth = token === undefined ? "" : ", bearer token required";
  io.stdout.write(`keysync serve: Ory-compatible JWK admin API on ${server.url} (${where}${auth})\n`);

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

function parseRsaBits(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2048 || n > 8192) {
    throw new UsageError(`--rsa-bits must be a whole number from 2048 to 8192, got "${value}"`);
  }
  return n;
}
