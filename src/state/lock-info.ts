import { isSafeId } from "../jwk/key-id.js";

/** What a lock is taken for; shown to whoever finds the state locked. */
export type LockOperation = "apply" | "plan" | "import" | "state rm";

/**
 * The content of `<state>.lock`: Terraform's LockInfo fields (same names, so people who know
 * Terraform's lock message recognise them) plus `Host` and `PID`, which make a lock of a dead
 * process on this host recognisable as stale.
 *
 * `Operation` is a string, not `LockOperation`: a lock written by another keysync version may
 * name an operation this one does not know, and must still be reported and honoured.
 */
export interface LockInfo {
  /** Random UUID; `keysync force-unlock` takes it as the confirmation. */
  readonly ID: string;
  readonly Operation: string;
  /** `user@host`. */
  readonly Who: string;
  readonly Host: string;
  readonly PID: number;
  /** ISO 8601 time the lock was taken. */
  readonly Created: string;
  /** keysync version of the holder. */
  readonly Version: string;
  /** Absolute path of the state file the lock guards. */
  readonly Path: string;
}

/** Printable text without control characters (which could rewrite a terminal), bounded length. */
const TEXT = /^[^\p{Cc}]{0,4096}$/u;
const TEXT_FIELDS = ["Operation", "Who", "Host", "Created", "Version", "Path"] as const;

/**
 * Reads a lock file's text. Returns null for anything that is not a lock this keysync can trust
 * and print: not JSON, an ID that is not a plain ID, a PID that is not a positive integer, or a
 * text field with control characters. Unknown extra fields are ignored (newer keysyncs may add
 * some). Never throws.
 */
export function parseLockInfo(text: string): LockInfo | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return null;
  const fields = doc as Readonly<Record<string, unknown>>;
  const id = fields["ID"];
  const pid = fields["PID"];
  if (!isSafeId(id) || typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) return null;
  const texts: Partial<Record<(typeof TEXT_FIELDS)[number], string>> = {};
  for (const name of TEXT_FIELDS) {
    const value = fields[name];
    if (typeof value !== "string" || !TEXT.test(value)) return null;
    texts[name] = value;
  }
  const { Operation, Who, Host, Created, Version, Path } = texts;
  if (Operation === undefined || Who === undefined || Host === undefined) return null;
  if (Created === undefined || Version === undefined || Path === undefined) return null;
  return { ID: id, Operation, Who, Host, PID: pid, Created, Version, Path };
}

/** The lock file's text for `info`: JSON, 2-space indent, trailing newline. */
export function formatLockInfo(info: LockInfo): string {
  return `${JSON.stringify(info, null, 2)}\n`;
}

/** One line naming a holder: `lock ID X, operation "apply", held by u@h (pid 7 on h) since T`. */
export function describeLockHolder(info: LockInfo): string {
  return `lock ID ${info.ID}, ${describeHolder(info)}`;
}

/**
 * The holder without its lock ID: `operation "apply", held by u@h (pid 7 on h) since T`. For
 * messages to someone who has not shown they know the ID (a wrong `force-unlock` ID): the ID
 * is the confirmation, so it must not be handed out in the refusal.
 */
export function describeHolder(info: LockInfo): string {
  return (
    `operation "${info.Operation}", held by ${info.Who} ` +
    `(pid ${info.PID} on ${info.Host}) since ${info.Created}`
  );
}

/** What keysync says when it takes over a stale lock (contract §7: "keysync says so"). */
export function describeStaleTakeover(stale: LockInfo): string {
  return (
    `the lock held by ${stale.Who} (pid ${stale.PID}, gone) is stale; taking it over ` +
    `(lock ID ${stale.ID}, operation "${stale.Operation}", since ${stale.Created})`
  );
}

/** What keysync says when it starts waiting for a lock (`--lock-timeout` above 0). */
export function describeLockWait(holder: LockInfo, timeoutMs: number): string {
  return `waiting up to ${formatDuration(timeoutMs)} for the state lock: ${describeLockHolder(holder)}`;
}

/** `1.5s`, `30s`, `5m`, `1h30m`: how durations are shown in lock messages. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 ? `${s}s` : ""}`;
}
