import { randomUUID } from "node:crypto";
import { appendFile, stat } from "node:fs/promises";
import { FileError } from "../../errors.js";
import { MIN_MARKDOWN_CHARS } from "../../render/markdown-document.js";

/** GitHub aborts a step summary upload over 1024k ("supports content up to a size of 1024k"). */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

/**
 * Appends Markdown to the step summary file at `path`, keeping the whole file (everything this
 * step appended so far) within `STEP_SUMMARY_MAX_BYTES`. `render(maxChars)` must return at most
 * `maxChars` characters; since a character can take up to 4 bytes in UTF-8, the budget is
 * re-checked in bytes and the document re-rendered smaller until it fits. Returns false, writing
 * nothing, when too little room is left for a useful document.
 */
export async function appendStepSummary(
  path: string,
  render: (maxChars: number) => string,
): Promise<boolean> {
  const existing = await sizeOf(path);
  const separator = existing > 0 ? "\n" : "";
  const budget = STEP_SUMMARY_MAX_BYTES - existing - separator.length;
  let maxChars = budget;
  for (let attempt = 0; attempt < 6 && maxChars >= MIN_MARKDOWN_CHARS; attempt += 1) {
    const text = separator + render(maxChars);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes <= budget + separator.length) {
      await append(path, text, "$GITHUB_STEP_SUMMARY");
      return true;
    }
    maxChars = Math.floor((maxChars * budget) / bytes) - 256;
  }
  return false;
}

/** Step output names keysync writes: letters, digits, `_` and `-`. */
const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * `$GITHUB_OUTPUT` lines for `outputs`: `name=value`, or the runner's heredoc form with a random
 * delimiter when a value spans lines (so a value can never end early or add an output).
 */
export function formatStepOutputs(outputs: Readonly<Record<string, string>>): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (!OUTPUT_NAME.test(name)) throw new FileError(`invalid step output name ${JSON.stringify(name)}`);
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      const delimiter = `ghadelimiter_${randomUUID()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join("");
}

/** Appends outputs to the `$GITHUB_OUTPUT` file (never truncating what earlier commands wrote). */
export async function appendStepOutputs(
  path: string,
  outputs: Readonly<Record<string, string>>,
): Promise<void> {
  await append(path, formatStepOutputs(outputs), "$GITHUB_OUTPUT");
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function append(path: string, text: string, name: string): Promise<void> {
  try {
    await appendFile(path, text, "utf8");
  } catch {
    throw new FileError(`cannot append to ${name} (${path})`);
  }
}
