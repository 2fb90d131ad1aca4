import type { LoggedRequest } from "../../src/server/index.js";

/**
 * The campaigns' oracles: pure checks over the embedded server's request log and live keys.
 * The log is the ground truth of what keysync sent and what the server did with it, so these
 * checks hold whatever keysync printed or recorded.
 */

/** Declared kids per set: the spec the campaign ends with. A set absent here must be absent live. */
export type Declared = ReadonlyMap<string, ReadonlySet<string>>;

/** The kid a creating request writes: the path kid of a PUT, the body kid of a POST. */
export function createdKid(request: LoggedRequest): string | null {
  if (request.method === "PUT") return request.kid;
  if (request.method !== "POST") return null;
  const body = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const kid = (body as Readonly<Record<string, unknown>>)["kid"];
  return typeof kid === "string" ? kid : "";
}

/** True for POST and PUT of one key: the requests that can bring a key into existence. */
export function isCreation(request: LoggedRequest): boolean {
  return (
    (request.method === "POST" && request.operation === "createJsonWebKeySet") ||
    (request.method === "PUT" && request.operation === "setJsonWebKey")
  );
}

/**
 * Whether the server carried the request out. A fault that answers or resets does nothing; a
 * commit-then-drop did what `committedStatus` says; a connection the client dropped (a kill, a
 * client timeout) still ran to the end on the server, so it counts as committed unless its
 * status says otherwise.
 */
export function committed(request: LoggedRequest): boolean {
  const { fault } = request;
  if (fault !== null && fault.kind !== "commit-then-drop" && fault.kind !== "delay") return false;
  if (fault?.kind === "commit-then-drop") return isOk(request.committedStatus);
  return request.status === "dropped" || request.status === null || isOk(request.status);
}

function isOk(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** A label for findings: `set/kid`. */
function at(setId: string | null, kid: string | null): string {
  return `${setId ?? "?"}/${kid ?? "?"}`;
}

/**
 * Keys created more than once: for each set and kid, the committed creations in `log`. A PUT
 * that commits the very same body again (an idempotent retry of an upsert whose answer was lost)
 * is the same key, not a second one, and counts once.
 */
export function duplicateCreations(log: readonly LoggedRequest[]): string[] {
  const creations = new Map<string, string[]>();
  for (const r of log) {
    if (!isCreation(r) || !committed(r)) continue;
    const key = at(r.setId, createdKid(r));
    const bodies = creations.get(key) ?? [];
    const body = r.method === "PUT" ? `PUT ${JSON.stringify(r.body)}` : `POST #${r.seq}`;
    if (bodies.at(-1) !== body) bodies.push(body);
    creations.set(key, bodies);
  }
  return [...creations].filter(([, bodies]) => bodies.length > 1).map(([key, b]) => `${key} x${b.length}`);
}

/** Creating requests (committed or not) whose kid the spec does not declare for that set. */
export function undeclaredCreations(log: readonly LoggedRequest[], declared: Declared): string[] {
  const found: string[] = [];
  for (const r of log) {
    if (!isCreation(r)) continue;
    const kid = createdKid(r);
    const bodyKid = r.method === "PUT" ? bodyKidOf(r) : kid;
    const kids = r.setId === null ? undefined : declared.get(r.setId);
    if (kid === null || kids === undefined || !kids.has(kid) || bodyKid !== kid) {
      found.push(`${r.method} #${r.seq} ${at(r.setId, kid)}`);
    }
  }
  return found;
}

function bodyKidOf(r: LoggedRequest): string | null {
  const body = r.body;
  if (typeof body !== "object" || body === null) return null;
  const kid = (body as Readonly<Record<string, unknown>>)["kid"];
  return typeof kid === "string" ? kid : null;
}

/**
 * POSTs re-sent without first reading the kid: for each POST after the first one for a set and
 * kid, a read of that kid must lie between it and the previous POST, unless that previous POST
 * was refused with 429 (refused before processing, so re-sending is safe). A read is
 * `GET /admin/keys/{set}/{kid}` or, in a later run, `GET /admin/keys/{set}`, which reads every
 * kid of the set at once. Only a read that was answered (200 or 404) counts: a read lost to a
 * fault taught keysync nothing.
 */
export function unguardedResends(log: readonly LoggedRequest[]): string[] {
  const found: string[] = [];
  /** Per set/kid: whether a re-send is allowed now (true after a guard), or no POST yet. */
  const guarded = new Map<string, boolean>();
  for (const r of log) {
    if ((r.operation === "getJsonWebKey" || r.operation === "getJsonWebKeySet") && !answered(r)) continue;
    if (r.operation === "getJsonWebKey") {
      const key = at(r.setId, r.kid);
      if (guarded.has(key)) guarded.set(key, true);
      continue;
    }
    if (r.operation === "getJsonWebKeySet") {
      const prefix = at(r.setId, "");
      for (const key of guarded.keys()) if (key.startsWith(prefix)) guarded.set(key, true);
      continue;
    }
    if (r.operation !== "createJsonWebKeySet") continue;
    const key = at(r.setId, createdKid(r));
    if (guarded.get(key) === false) found.push(`POST #${r.seq} ${key}`);
    guarded.set(key, r.status === 429);
  }
  return found;
}

function answered(r: LoggedRequest): boolean {
  return r.status === 200 || r.status === 404;
}

/** POSTs sent again for a set and kid already POSTed in `log`: how often the re-send guard was exercised. */
export function postResends(log: readonly LoggedRequest[]): number {
  const seen = new Set<string>();
  let resends = 0;
  for (const r of log) {
    if (r.operation !== "createJsonWebKeySet") continue;
    const key = at(r.setId, createdKid(r));
    if (seen.has(key)) resends += 1;
    seen.add(key);
  }
  return resends;
}

/** Live kids per set that differ from the declared ones: missing, extra, or a set that should be gone. */
export async function liveMismatches(
  live: (setId: string) => readonly string[] | Promise<readonly string[]>,
  declared: Declared,
  retired: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const [setId, kids] of declared) {
    const have = await live(setId);
    const missing = [...kids].filter((k) => !have.includes(k));
    const extra = have.filter((k) => !kids.has(k));
    const twice = have.filter((k, i) => have.indexOf(k) !== i);
    for (const k of missing) found.push(`${setId}/${k} missing`);
    for (const k of extra) found.push(`${setId}/${k} not declared`);
    for (const k of twice) found.push(`${setId}/${k} live twice`);
  }
  for (const setId of retired) {
    if ((await live(setId)).length > 0) found.push(`${setId} should be deleted`);
  }
  return found;
}
