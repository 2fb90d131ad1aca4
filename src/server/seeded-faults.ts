import { assertNever } from "../errors.js";
import type { Fault, FaultPolicy, RequestPredicate } from "./faults.js";

/** The faults `seededFaults` draws from. */
export type SeededFaultKind = "500" | "502" | "503" | "429" | "reset" | "commit-then-drop";

export interface SeededFaultOptions {
  /** Same seed and same request order → same faults, so a failing run can be replayed. */
  readonly seed: number;
  /** Probability in [0, 1] that a candidate request gets a fault. */
  readonly rate: number;
  /** Relative weights; kinds left out are never drawn. Default: all six, equally. */
  readonly mix?: Readonly<Partial<Record<SeededFaultKind, number>>>;
  /** `x-ratelimit-reset` of drawn 429s, in seconds. Default 1. */
  readonly resetSeconds?: number;
  /** Only these requests are candidates (default: all). */
  readonly when?: RequestPredicate;
}

const ALL_KINDS: readonly SeededFaultKind[] = ["500", "502", "503", "429", "reset", "commit-then-drop"];

/**
 * mulberry32: a tiny, fast 32-bit PRNG with good enough spread for fault schedules. Returns
 * floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random faults at `rate` from a weighted mix, deterministic in the seed and the order requests
 * arrive (research/reliability.md §7, T7). Each candidate request consumes exactly two draws, so
 * changing `rate` or `mix` does not shift which requests are hit by which later draws.
 */
export function seededFaults(options: SeededFaultOptions): FaultPolicy {
  const random = mulberry32(options.seed);
  const weights = ALL_KINDS.map(
    (kind) => [kind, options.mix === undefined ? 1 : (options.mix[kind] ?? 0)] as const,
  );
  const total = weights.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
  const resetSeconds = options.resetSeconds ?? 1;
  return (request) => {
    if (options.when !== undefined && !options.when(request)) return null;
    const hit = random() < options.rate;
    let pick = random() * total;
    if (!hit || total <= 0) return null;
    for (const [kind, weight] of weights) {
      pick -= Math.max(0, weight);
      if (pick < 0) return toFault(kind, resetSeconds);
    }
    return null;
  };
}

function toFault(kind: SeededFaultKind, resetSeconds: number): Fault {
  switch (kind) {
    case "500":
    case "502":
    case "503":
      return { kind: "status", status: Number(kind) };
    case "429":
      return { kind: "rate-limit", resetSeconds };
    case "reset":
      return { kind: "reset" };
    case "commit-then-drop":
      return { kind: "commit-then-drop" };
    default:
      return assertNever(kind, "fault kind");
  }
}
