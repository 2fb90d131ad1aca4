import { generateKeyPairSync } from "node:crypto";
import { formatDiagnostic } from "../../../src/errors.js";
import { checkSpec } from "../../../src/spec/check-spec.js";
import type { CheckSpecResult } from "../../../src/spec/check-spec.js";
import type { Jwk } from "../../../src/jwk/jwk.js";

/** Where in-memory specs pretend to live; `file:` sources resolve under this directory. */
export const SPEC_DIR = "/specs";
export const SPEC_PATH = `${SPEC_DIR}/keysets.yaml`;

export interface CheckOptions {
  /** Key files by path relative to `SPEC_DIR`. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  readonly env?: Readonly<Record<string, string>>;
}

/** `checkSpec` on text with an in-memory file system and environment. */
export function check(text: string, options: CheckOptions = {}): Promise<CheckSpecResult> {
  const files = new Map(
    Object.entries(options.files ?? {}).map(([path, body]) => [
      `${SPEC_DIR}/${path}`,
      typeof body === "string" ? Buffer.from(body) : body,
    ]),
  );
  return checkSpec(text, {
    display: "keysets.yaml",
    specPath: SPEC_PATH,
    env: options.env ?? {},
    readFile: (path) => Promise.resolve(files.get(path) ?? null),
  });
}

/** The diagnostics of a failed check as printed lines, or `["ok"]`. */
export async function problems(text: string, options: CheckOptions = {}): Promise<string[]> {
  const result = await check(text, options);
  return result.ok ? ["ok"] : result.diagnostics.map(formatDiagnostic);
}

/** A spec with one set holding the given key lines (each already indented as a list item). */
export function specWithKeys(setId: string, ...keys: string[]): string {
  return `version: 1\nsets:\n  ${setId}:\n    keys:\n${keys.join("")}`;
}

/** A key list item: `key({ kid: "a", alg: "ES256" })` → `      - kid: a\n        alg: ES256\n`. */
export function key(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([name, value], i) => `${i === 0 ? "      - " : "        "}${name}: ${value}\n`)
    .join("");
}

/** Fresh key pairs, made at run time: no private key is ever committed. */
export function rsaPair(bits = 2048): {
  privateJwk: Jwk;
  publicJwk: Jwk;
  privatePem: string;
  pkcs1Pem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return {
    privateJwk: privateKey.export({ format: "jwk" }) as Jwk,
    publicJwk: publicKey.export({ format: "jwk" }) as Jwk,
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    pkcs1Pem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  };
}

export function ecPair(curve: "P-256" | "P-384" | "P-521" = "P-256"): { privateJwk: Jwk; sec1Pem: string } {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: curve });
  return {
    privateJwk: privateKey.export({ format: "jwk" }) as Jwk,
    sec1Pem: privateKey.export({ type: "sec1", format: "pem" }).toString(),
  };
}

export function ed25519Pair(): { privateJwk: Jwk; privatePem: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  return {
    privateJwk: privateKey.export({ format: "jwk" }) as Jwk,
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

/** Every private member value of a JWK, for "never echoed" assertions. */
export function privateValues(jwk: object): string[] {
  return ["d", "p", "q", "dp", "dq", "qi", "k"]
    .map((name) => (jwk as Record<string, unknown>)[name])
    .filter((v): v is string => typeof v === "string");
}

/** A copy of `jwk` without the named members (for keys with parts missing). */
export function without(jwk: Jwk, ...names: readonly string[]): Jwk {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !names.includes(name))) as unknown as Jwk;
}

/**
 * A PEM block around `body`. The armour is assembled here so that no test file contains a
 * literal private-key header: the repository's leak check greps for them.
 */
export function pemBlock(label: string, body: string): string {
  const dashes = "-".repeat(5);
  return `${dashes}BEGIN ${label}${dashes}\n${body}\n${dashes}END ${label}${dashes}\n`;
}
