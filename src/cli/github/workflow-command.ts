import { isRunnerWhiteSpace } from "./command-neutralizer.js";

/**
 * GitHub Actions workflow commands (`::name key=value,…::message`), built the way the runner
 * parses them (actions/runner `ActionCommand.TryParseV2`) and escaped the way
 * actions/toolkit's `command.ts` escapes them, so that no message or property can end the line,
 * add a property, or start a second command.
 */

/** .NET `string.Trim()`, as the runner applies it to a command's property list. */
export function runnerTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isRunnerWhiteSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isRunnerWhiteSpace(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

/** The commands keysync issues. Anything else in its output is data, never a command. */
export type WorkflowCommandName = "error" | "warning" | "notice" | "group" | "endgroup";

/** Annotation properties GitHub understands; lines and columns are 1-based. */
export interface AnnotationProperties {
  readonly title?: string;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export type AnnotationLevel = "error" | "warning" | "notice";

/** Escapes a command's message: `%`, CR and LF (the runner unescapes exactly these). */
export function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a property value: as data, plus `:` (ends the properties) and `,` (separates them). */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/**
 * One command line, without its line break. Names are keysync's own constants; values and the
 * message are escaped. Values are trimmed of .NET white space first, because the runner trims the
 * property list (so the last value would lose it anyway), and empty ones are left out (the runner
 * ignores `key=`): what the runner reads back is exactly what is written here.
 */
export function workflowCommand(
  name: WorkflowCommandName,
  properties: Readonly<Record<string, string | number | undefined>>,
  message: string,
): string {
  const props = Object.entries(properties)
    .map(([key, value]) => [key, value === undefined ? "" : runnerTrim(String(value))] as const)
    .filter(([, value]) => value !== "")
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(",");
  return `::${name}${props === "" ? "" : ` ${props}`}::${escapeData(message)}`;
}

/** `::error file=…,line=…,col=…,title=…::message` (or warning/notice). */
export function annotationCommand(
  level: AnnotationLevel,
  message: string,
  properties: AnnotationProperties = {},
): string {
  const { file, line, col, endLine, endColumn, title } = properties;
  return workflowCommand(level, { file, line, col, endLine, endColumn, title }, message);
}
