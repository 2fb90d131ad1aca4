import { StateError } from "../errors.js";
import type { KeyOrigin } from "../jwk/key-facts.js";
import { compareIds, ID_RULE, isSafeId } from "../jwk/key-id.js";
import { STATE_VERSION } from "./types.js";
import type { Intent, ManagedKey, ManagedSet, State } from "./types.js";

type JsonObject = Readonly<Record<string, unknown>>;

/** Visible ASCII, no spaces: key types, algorithms, `use`, version strings. Safe to print. */
const TOKEN = /^[\x21-\x7E]{1,255}$/;
const TOKEN_RULE = "1-255 visible ASCII characters";
/** base64url, the alphabet of RFC 7638 thumbprints. */
const THUMBPRINT = /^[A-Za-z0-9_-]{1,255}$/;
const TARGET = /^[\x21-\x7E]{1,2048}$/;
const ORIGINS: ReadonlySet<string> = new Set<KeyOrigin>(["generated", "source", "imported"]);
const OPS = "generate-key, put-key, delete-key, delete-set";

/**
 * Checks a parsed JSON document against the on-disk state format (version 1) and converts it to
 * the in-memory `State`: snake_case becomes camelCase, sets and keys come out sorted, and every
 * ID is kept in a `Map` (never assigned onto a plain object, so `__proto__` cannot pollute).
 *
 * Every field is checked, unknown fields included, and the first problem throws a `StateError`
 * that names `display` and the field (`sets["a"].keys[0].alg`). Messages never quote a value that
 * failed its check: only IDs that passed `isSafeId` and fixed words appear in them. The version
 * is checked first, so a file from a newer keysync is refused as such whatever its shape.
 */
export function decodeState(doc: unknown, display: string): State {
  return new Decoder(display).state(doc);
}

/**
 * One entry of a state document's `sets`, checked and converted exactly as `decodeState` does
 * (the ID as a set ID, then the set), for a writer that re-checks only the sets that changed.
 */
export function decodeSet(setId: string, value: unknown, display: string): ManagedSet {
  return new Decoder(display).setEntry(setId, value);
}

class Decoder {
  constructor(private readonly display: string) {}

  setEntry(setId: string, value: unknown): ManagedSet {
    if (!isSafeId(setId)) this.fail("sets", `has an invalid set ID; IDs are ${ID_RULE}`);
    return this.set(setId, value, `sets["${setId}"]`);
  }

  state(doc: unknown): State {
    if (!isObject(doc)) this.fail("", "is not a keysync state file (expected a JSON object)");
    this.version(doc);
    this.fields(doc, "", ["version", "lineage", "serial", "keysync_version", "target", "sets", "pending"]);
    const lineage = doc["lineage"];
    if (!isSafeId(lineage)) this.fail("lineage", `must be ${ID_RULE}`);
    const serial = doc["serial"];
    if (typeof serial !== "number" || !Number.isSafeInteger(serial) || serial < 0) {
      this.fail("serial", "must be a whole number, 0 or more");
    }
    const target = doc["target"];
    if (target !== null && !(typeof target === "string" && TARGET.test(target))) {
      this.fail("target", "must be null or a URL");
    }
    return {
      lineage,
      serial,
      keysyncVersion: this.token(doc["keysync_version"], "keysync_version"),
      target,
      sets: this.sets(doc["sets"]),
      pending: this.array(doc["pending"], "pending").map((v, i) => this.intent(v, `pending[${i}]`)),
    };
  }

  private version(doc: JsonObject): void {
    if (!Object.hasOwn(doc, "version")) this.fail("", 'has no "version"; it is not a keysync state file');
    const version = doc["version"];
    if (typeof version !== "number" || !Number.isInteger(version)) {
      this.fail("version", "must be a whole number");
    }
    if (version > STATE_VERSION) {
      throw new StateError(
        `${this.display} was written by a newer keysync (state version ${version}); upgrade keysync`,
      );
    }
    if (version < STATE_VERSION) this.fail("", `has state version ${version}, which keysync never wrote`);
  }

  private sets(value: unknown): ReadonlyMap<string, ManagedSet> {
    const sets = this.object(value, "sets");
    const entries = Object.entries(sets);
    entries.forEach(([setId], i) => {
      if (!isSafeId(setId)) this.fail("sets", `has an invalid set ID (entry ${i + 1}); IDs are ${ID_RULE}`);
    });
    // Not `([a], [b]) =>`: destructuring in a comparator is slow over thousands of sets.
    entries.sort((a, b) => compareIds(a[0], b[0]));
    return new Map(entries.map(([setId, set]) => [setId, this.set(setId, set, `sets["${setId}"]`)]));
  }

  private set(setId: string, value: unknown, path: string): ManagedSet {
    const set = this.object(value, path);
    this.fields(set, path, ["keys"]);
    const keys = this.array(set["keys"], `${path}.keys`).map((k, i) => this.key(k, `${path}.keys[${i}]`));
    keys.sort((a, b) => compareIds(a.kid, b.kid));
    for (let i = 1; i < keys.length; i += 1) {
      const kid = keys[i]?.kid;
      if (kid !== undefined && kid === keys[i - 1]?.kid) this.fail(`${path}.keys`, `has kid "${kid}" twice`);
    }
    return { setId, keys };
  }

  private key(value: unknown, path: string): ManagedKey {
    const key = this.object(value, path);
    this.fields(key, path, ["kid", "kty", "alg", "use", "thumbprint", "origin", "has_private"]);
    const origin = key["origin"];
    if (typeof origin !== "string" || !ORIGINS.has(origin)) {
      this.fail(`${path}.origin`, "must be generated, source or imported");
    }
    return {
      kid: this.id(key["kid"], `${path}.kid`),
      kty: this.token(key["kty"], `${path}.kty`),
      alg: key["alg"] === null ? null : this.token(key["alg"], `${path}.alg`, "null or "),
      use: key["use"] === null ? null : this.token(key["use"], `${path}.use`, "null or "),
      thumbprint: this.thumbprint(key["thumbprint"], `${path}.thumbprint`),
      origin: origin as KeyOrigin,
      hasPrivate: this.boolean(key["has_private"], `${path}.has_private`),
    };
  }

  private intent(value: unknown, path: string): Intent {
    const intent = this.object(value, path);
    const op = intent["op"];
    switch (op) {
      case "generate-key":
        this.fields(intent, path, ["op", "set", "kid", "alg", "use"]);
        return { op, ...this.target(intent, path), ...this.algUse(intent, path) };
      case "put-key":
        this.fields(intent, path, ["op", "set", "kid", "kty", "alg", "use", "thumbprint", "has_private"]);
        return {
          op,
          ...this.target(intent, path),
          kty: this.token(intent["kty"], `${path}.kty`),
          ...this.algUse(intent, path),
          thumbprint: this.thumbprint(intent["thumbprint"], `${path}.thumbprint`),
          hasPrivate: this.boolean(intent["has_private"], `${path}.has_private`),
        };
      case "delete-key":
        this.fields(intent, path, ["op", "set", "kid"]);
        return { op, ...this.target(intent, path) };
      case "delete-set":
        this.fields(intent, path, ["op", "set"]);
        return { op, setId: this.id(intent["set"], `${path}.set`) };
      default:
        if (!Object.hasOwn(intent, "op")) this.fail(`${path}.op`, "is missing");
        return this.fail(`${path}.op`, `is not a known operation (${OPS})`);
    }
  }

  private target(intent: JsonObject, path: string): { setId: string; kid: string } {
    return { setId: this.id(intent["set"], `${path}.set`), kid: this.id(intent["kid"], `${path}.kid`) };
  }

  private algUse(intent: JsonObject, path: string): { alg: string; use: string } {
    return { alg: this.token(intent["alg"], `${path}.alg`), use: this.token(intent["use"], `${path}.use`) };
  }

  /** Refuses unknown fields first (named only when the name is a safe ID), then missing ones. */
  private fields(obj: JsonObject, path: string, known: readonly string[]): void {
    for (const name of Object.keys(obj)) {
      if (known.includes(name)) continue;
      if (isSafeId(name)) this.fail(join(path, name), "is not a field keysync knows");
      this.fail(path, "has a field keysync does not know");
    }
    for (const name of known) {
      if (!Object.hasOwn(obj, name)) this.fail(join(path, name), "is missing");
    }
  }

  private object(value: unknown, path: string): JsonObject {
    if (!isObject(value)) this.fail(path, "must be a JSON object");
    return value;
  }

  private array(value: unknown, path: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(path, "must be a JSON array");
    return value as readonly unknown[];
  }

  private id(value: unknown, path: string): string {
    if (!isSafeId(value)) this.fail(path, `must be ${ID_RULE}`);
    return value;
  }

  private token(value: unknown, path: string, prefix = ""): string {
    if (typeof value !== "string" || !TOKEN.test(value)) this.fail(path, `must be ${prefix}${TOKEN_RULE}`);
    return value;
  }

  private thumbprint(value: unknown, path: string): string {
    if (typeof value !== "string" || !THUMBPRINT.test(value)) {
      this.fail(path, "must be a base64url RFC 7638 thumbprint");
    }
    return value;
  }

  private boolean(value: unknown, path: string): boolean {
    if (typeof value !== "boolean") this.fail(path, "must be true or false");
    return value;
  }

  private fail(path: string, problem: string): never {
    throw new StateError(path === "" ? `${this.display} ${problem}` : `${this.display}: ${path} ${problem}`);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, field: string): string {
  return path === "" ? field : `${path}.${field}`;
}
