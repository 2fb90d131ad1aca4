/**
 * Makes text inert for the GitHub Actions runner, one stream at a time.
 *
 * What the runner treats as a command (actions/runner, `OutputManager.OnDataReceived` and
 * `ActionCommand`): it reads each output stream line by line (`StreamReader.ReadLine`, so CR,
 * LF and CRLF all end a line), and a line is a command when either
 *  - after `TrimStart()` (.NET white space) it starts with `::` and has a second `::` later
 *    (`TryParseV2`: `::name props::data`), or
 *  - it contains `##[` anywhere, followed later by `]` (the legacy `TryParse`: `##[name props]data`),
 * and `name` is registered, case-insensitively. Registered names include `error`, `warning`,
 * `set-output`, `add-mask`, `add-matcher`, `stop-commands` and, after a `stop-commands`, any
 * token at all, so keysync does not rely on the name.
 *
 * The rule here is stronger than the runner's test: no emitted line may start (after .NET white
 * space) with `::`, and none may contain `##[`. A zero-width space (U+200B, not white space to
 * .NET) is inserted between the two colons, or between `##` and `[`; the text reads the same in
 * the log and the set ID is still recognisable. State is kept across writes, so a line split over
 * several `write` calls is judged as the runner will see it.
 */
export const ZERO_WIDTH_SPACE = "\u200B";

/** .NET `Char.IsWhiteSpace` over the BMP: what the runner's `TrimStart()` removes. */
export function isRunnerWhiteSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

type LineStart =
  /** Only white space so far on this line. */
  | "blank"
  /** The first non-white-space character was `:` and it is the last one written. */
  | "colon"
  /** The line's start is settled and harmless. */
  | "settled";

export class CommandNeutralizer {
  #start: LineStart = "blank";
  /** Trailing `#` characters on the current line, up to 2. */
  #hashes = 0;

  /** Nothing written yet on the current line. */
  #fresh = true;

  /** True when the next character written begins a line (where a command must start). */
  get atLineStart(): boolean {
    return this.#fresh;
  }

  /** `text` made inert, continuing the line left by the previous call. */
  neutralize(text: string): string {
    let out = "";
    for (const ch of text) {
      const code = ch.codePointAt(0) ?? 0;
      if (ch === "\n" || ch === "\r") {
        out += ch;
        this.#start = "blank";
        this.#hashes = 0;
        this.#fresh = true;
        continue;
      }
      this.#fresh = false;
      if (this.#start === "colon") {
        this.#start = "settled";
        if (ch === ":") out += ZERO_WIDTH_SPACE;
      } else if (this.#start === "blank" && !isRunnerWhiteSpace(code)) {
        this.#start = ch === ":" ? "colon" : "settled";
      }
      if (ch === "[" && this.#hashes === 2) out += ZERO_WIDTH_SPACE;
      this.#hashes = ch === "#" ? Math.min(this.#hashes + 1, 2) : 0;
      out += ch;
    }
    return out;
  }

  /** Call after writing a line keysync built as a command itself (it ended with a line break). */
  reset(): void {
    this.#start = "blank";
    this.#hashes = 0;
    this.#fresh = true;
  }
}
