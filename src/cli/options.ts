import { UsageError } from "../errors.js";

/** `--parallelism N`: how many sets are read or applied at once. */
export const DEFAULT_PARALLELISM = 8;

export function parseParallelism(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(`--parallelism must be a whole number from 1 to 64, got "${value}"`);
  }
  return n;
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  }
  return n;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Terraform-style duration (`0s`, `500ms`, `30s`, `5m`, `1h30m`) into milliseconds.
 * A bare number is seconds, as with `terraform -lock-timeout=10`.
 */
export function parseDuration(value: string, flag: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [, amount, unit] = m;
    total += Number(amount) * (UNIT_MS[unit ?? ""] ?? 0);
    consumed = re.lastIndex;
  }
  if (text === "" || consumed !== text.length) {
    throw new UsageError(`${flag} must be a duration such as 0s, 30s or 5m, got "${value}"`);
  }
  return Math.round(total);
}
