/**
 * JSON in and out the way Hydra's Go code does it, as far as a client can tell:
 * - out: `encoding/json` escapes `<`, `>`, `&`, U+2028 and U+2029, and `json.Encoder` ends the
 *   document with a newline (herodot's JSON writer uses an Encoder);
 * - in: request bodies are read with `json.NewDecoder(r.Body).Decode(…)`, whose errors Hydra
 *   quotes after "Unable to decode the request body: " (hydra-jwk-contract.md §3.2).
 * Parse errors never quote the body: V8's messages include the text they failed on, and a
 * body can hold key material.
 */

export function encodeGoJson(value: unknown): string {
  const text = JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `${text}\n`;
}

export type JsonBody =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

export function parseJsonBody(bytes: Buffer): JsonBody {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return { ok: false, message: "EOF" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error: unknown) {
    // Only V8's position is used, never its message text (which quotes the body).
    const message = error instanceof Error ? error.message : "";
    const position = /at position (\d+)/.exec(message)?.[1];
    const atEnd =
      position === undefined
        ? message.includes("end of JSON input")
        : Number(position) >= text.trimEnd().length;
    return {
      ok: false,
      message: atEnd ? "unexpected EOF" : "invalid character looking for beginning of value",
    };
  }
}

/** The Go name of a JSON value's type, as `encoding/json` type errors spell it. */
export function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  return typeof value === "string" || typeof value === "number" ? typeof value : "object";
}

/**
 * Reads a string field from a decoded JSON object the way `encoding/json` fills a struct field:
 * member names match case-insensitively, the last matching member wins, `null` leaves the field
 * empty. Returns the Go type error text when a member has another type.
 */
export function readStringField(
  object: Readonly<Record<string, unknown>>,
  field: string,
  goStruct: string,
): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string } {
  let value = "";
  for (const [name, v] of Object.entries(object)) {
    if (name.toLowerCase() !== field) continue;
    if (v === null) continue;
    if (typeof v !== "string") {
      return {
        ok: false,
        message: `json: cannot unmarshal ${goTypeName(v)} into Go struct field ${goStruct}.${field} of type string`,
      };
    }
    value = v;
  }
  return { ok: true, value };
}
