/**
 * A model of how the GitHub Actions runner reads a step's output, transcribed from
 * actions/runner: `ProcessInvoker` reads each stream with `StreamReader.ReadLine` (CR, LF and CRLF
 * end a line); `OutputManager.OnDataReceived` hands a line containing `##[` or `::` to
 * `ActionCommandManager.TryProcessCommand`, which tries `ActionCommand.TryParseV2` then the legacy
 * `ActionCommand.TryParse`. Every command name counts as registered here (after `stop-commands`
 * the runner registers an arbitrary token), so the model over-approximates what the runner runs.
 */
export interface ParsedCommand {
  readonly name: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly data: string;
}

/** `StreamReader.ReadLine` over a whole stream. */
export function runnerLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** .NET `Char.IsWhiteSpace` (BMP), listed from the .NET documentation. */
const DOTNET_WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** .NET `string.TrimStart()`. */
export function dotnetTrimStart(text: string): string {
  let i = 0;
  while (i < text.length && DOTNET_WHITE_SPACE.has(text.charCodeAt(i))) i += 1;
  return text.slice(i);
}

/** The command the runner would take `line` for, or null. */
export function parseRunnerLine(line: string): ParsedCommand | null {
  return tryParseV2(line) ?? tryParseLegacy(line);
}

function tryParseV2(line: string): ParsedCommand | null {
  const message = dotnetTrimStart(line);
  if (!message.startsWith("::")) return null;
  const end = message.indexOf("::", 2);
  if (end < 0) return null;
  const info = message.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (name === "") return null;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(",")) {
      const eq = pair.indexOf("=");
      if (pair === "" || eq <= 0 || eq === pair.length - 1) continue;
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, properties, data: unescapeData(message.slice(end + 2)) };
}

function tryParseLegacy(line: string): ParsedCommand | null {
  const prefix = line.indexOf("##[");
  if (prefix < 0) return null;
  const close = line.indexOf("]", prefix);
  if (close < 0) return null;
  const info = line.slice(prefix + 3, close);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (name === "") return null;
  return { name, properties: {}, data: line.slice(close + 1) };
}

export function unescapeData(text: string): string {
  return text.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
}

export function unescapeProperty(text: string): string {
  return text
    .replaceAll("%0D", "\r")
    .replaceAll("%0A", "\n")
    .replaceAll("%3A", ":")
    .replaceAll("%2C", ",")
    .replaceAll("%25", "%");
}

/** Every command the runner would see in a stream's text. */
export function runnerCommands(text: string): ParsedCommand[] {
  return runnerLines(text)
    .map(parseRunnerLine)
    .filter((c): c is ParsedCommand => c !== null);
}
