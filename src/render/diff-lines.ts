/**
 * Atlantis' "diff markdown format": the human plan with each change glyph moved to column 0 so a
 * ```` ```diff ```` block colours it on GitHub (`+` green, `-` red, `!` orange). The rest of the
 * line keeps its column, so nesting still reads. Only lines shaped like keysync's own change lines
 * are touched (`+ key "…"`, `- key_set "…"`, `~ alg = …`): a set ID that happens to start with
 * `-` in the signer table stays a context line.
 */
const CHANGE_LINE = /^( *)(-\/\+|\+\/-|[-+~])( +)(key_set "|key "|[a-z_]+ += )/;

export function toDiffLines(planText: string): string[] {
  const lines = planText.replace(/\n$/, "").split("\n");
  return lines.map((line) => {
    const m = CHANGE_LINE.exec(line);
    if (m === null) return line;
    const [whole, indent = "", glyph = "", gap = ""] = m;
    const mark = glyph === "+" || glyph === "-" ? glyph : "!";
    const column = indent.length + glyph.length + gap.length;
    return `${mark}${" ".repeat(column - 1)}${line.slice(whole.length - (m[4]?.length ?? 0))}`;
  });
}

/**
 * The fence for a code block holding `lines`: backticks, one more than the longest run of
 * backticks at the start of any line (at least three), so no line can close the block early.
 */
export function codeFence(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) {
    const run = /^ {0,3}(`+)/.exec(line)?.[1]?.length ?? 0;
    longest = Math.max(longest, run);
  }
  return "`".repeat(Math.max(3, longest + 1));
}
