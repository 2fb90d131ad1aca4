import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect } from "vitest";
import { PRIVATE_MEMBERS } from "../../src/jwk/jwk.js";

const WINDOW = 16;
const STRIDE = 8;

/** Every check made across the run: surfaces scanned and needles looked for (a reported figure). */
export const canaryStats = { surfaces: 0, leaks: 0 };

/**
 * Secret canaries: knows every private member of every key a test made or the server generated,
 * and every token, and scans text and files for them. A secret counts as found if its whole value,
 * its standard base64 or hex form, or any 16-character window of it appears: a truncated or
 * re-encoded leak is still a leak.
 */
export class SecretCanary {
  readonly #needles = new Map<string, string>();

  /** Learns the private members of a JWK (`label` names it in failures, never the value). */
  addJwk(jwk: Readonly<Record<string, unknown>>, label: string): this {
    for (const member of PRIVATE_MEMBERS) {
      const value = jwk[member];
      if (typeof value === "string" && value.length >= WINDOW) this.#addValue(value, `${label}.${member}`);
    }
    return this;
  }

  addJwks(jwks: readonly Readonly<Record<string, unknown>>[], label: string): this {
    jwks.forEach((jwk, i) =>
      this.addJwk(jwk, `${label}[${typeof jwk["kid"] === "string" ? jwk["kid"] : i}]`),
    );
    return this;
  }

  addToken(token: string, label = "token"): this {
    this.#needles.set(token, label);
    return this;
  }

  get size(): number {
    return this.#needles.size;
  }

  #addValue(value: string, label: string): void {
    this.#needles.set(value, label);
    const bytes = Buffer.from(value, "base64url");
    this.#needles.set(bytes.toString("base64"), `${label} (base64)`);
    this.#needles.set(bytes.toString("hex"), `${label} (hex)`);
    for (let i = 0; i + WINDOW <= value.length; i += STRIDE) {
      this.#needles.set(value.slice(i, i + WINDOW), `${label} (window ${i})`);
    }
  }

  /** Labels of the secrets found in `text`; empty when clean. */
  find(text: string): string[] {
    const found = new Set<string>();
    for (const [needle, label] of this.#needles)
      if (text.includes(needle)) found.add(label.replace(/ \(.*\)$/, ""));
    return [...found];
  }

  /** Fails the test, naming the surface and the secret (never its value), if any surface leaks. */
  expectClean(surfaces: Readonly<Record<string, string | null | undefined>>): void {
    expect(this.size).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const [surface, text] of Object.entries(surfaces)) {
      if (text === null || text === undefined) continue;
      canaryStats.surfaces += 1;
      for (const label of this.find(text)) leaks.push(`${surface}: ${label}`);
    }
    canaryStats.leaks += leaks.length;
    expect(leaks).toEqual([]);
  }

  /**
   * Every regular file under `dir` (recursively) as a surface, except paths in `except`. Symlinks
   * are not followed: what they name is scanned where it lives (a test's links to its own inputs,
   * or dangling ones, are not surfaces).
   */
  filesIn(dir: string, except: readonly string[] = []): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (except.includes(path)) continue;
        const info = lstatSync(path);
        if (info.isDirectory()) walk(path);
        else if (info.isFile() && info.size < 16 * 1024 * 1024)
          out[`file ${relative(dir, path)}`] = readFileSync(path, "latin1");
      }
    };
    walk(dir);
    return out;
  }
}
