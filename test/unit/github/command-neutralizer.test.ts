import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ciSurfaceFor } from "../../../src/cli/github/ci-surface.js";
import type { StreamName } from "../../../src/cli/github/ci-surface.js";
import { CommandNeutralizer, ZERO_WIDTH_SPACE } from "../../../src/cli/github/command-neutralizer.js";
import { runnerTrim } from "../../../src/cli/github/workflow-command.js";
import type { AnnotationLevel } from "../../../src/cli/github/workflow-command.js";
import { captureIo } from "../../support/capture-io.js";
import { runnerCommands } from "./runner-model.js";
import type { ParsedCommand } from "./runner-model.js";

/** Characters that matter to the runner's parser, plus a few ordinary ones. */
const unit = fc.constantFrom(
  ":",
  ":",
  "#",
  "#",
  "[",
  "]",
  " ",
  "\t",
  "\u00a0",
  "\u2003",
  "\u3000",
  "\u0085",
  "\r",
  "\n",
  "\r\n",
  "e",
  "r",
  "o",
  "=",
  ",",
  "%",
  "a",
  "-",
  "/",
  "\u2028",
);
const attacks = fc.constantFrom(
  "::error::pwned",
  "::set-output name=x::y",
  "  ::add-mask::secret",
  "\t::warning file=a,line=1::x",
  "\u00a0\u3000::notice::x",
  "x ##[error]legacy",
  "##[set-output name=x;]y",
  "::stop-commands::tok",
  "::tok::",
  ":",
  "#",
  "##",
  "\r::error::after-cr",
);
const hostile = fc.oneof(
  fc.string({ unit, maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  attacks,
  fc.array(fc.oneof(attacks, fc.string({ unit, maxLength: 6 })), { maxLength: 6 }).map((a) => a.join("")),
);
const stream = fc.constantFrom<StreamName>("stdout", "stderr");

type Op =
  | { kind: "write"; stream: StreamName; text: string }
  | { kind: "annotate"; level: AnnotationLevel; message: string; title: string; file: string; line: number }
  | { kind: "group"; stream: StreamName; title: string; body: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("write" as const), stream, text: hostile }) },
  fc.record({
    kind: fc.constant("annotate" as const),
    level: fc.constantFrom<AnnotationLevel>("error", "warning", "notice"),
    message: hostile,
    title: hostile,
    file: hostile,
    line: fc.nat(),
  }),
  fc.record({ kind: fc.constant("group" as const), stream, title: hostile, body: hostile }),
);

describe("GitHub Actions output", () => {
  test.prop([fc.array(op, { maxLength: 12 })], { numRuns: 1500 })(
    "the runner sees exactly the commands keysync issued, never one from the data it printed",
    (ops) => {
      const io = captureIo({ env: { GITHUB_ACTIONS: "true" } });
      const ci = ciSurfaceFor(io);
      const expected: Record<StreamName, ParsedCommand[]> = { stdout: [], stderr: [] };
      for (const o of ops) {
        switch (o.kind) {
          case "write":
            ci.io[o.stream].write(o.text);
            break;
          case "annotate": {
            ci.annotate(o.level, o.message, { title: o.title, file: o.file, line: o.line });
            const given = { file: o.file, line: String(o.line), title: o.title };
            const properties: Record<string, string> = {};
            for (const [k, v] of Object.entries(given))
              if (runnerTrim(v) !== "") properties[k] = runnerTrim(v);
            expected.stderr.push({ name: o.level, properties, data: o.message });
            break;
          }
          case "group":
            ci.group(o.stream, o.title, () => {
              ci.io[o.stream].write(o.body);
            });
            expected[o.stream].push(
              { name: "group", properties: {}, data: o.title },
              { name: "endgroup", properties: {}, data: "" },
            );
            break;
        }
      }
      expect(runnerCommands(io.out())).toEqual(expected.stdout);
      expect(runnerCommands(io.err())).toEqual(expected.stderr);
    },
  );

  test.prop([fc.string({ unit, maxLength: 60 }), fc.array(fc.nat({ max: 60 }), { maxLength: 5 })], {
    numRuns: 1000,
  })("neutralizing changes only inserted zero-width spaces, however the text is split", (text, cuts) => {
    const whole = new CommandNeutralizer().neutralize(text);
    const n = new CommandNeutralizer();
    const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
    let pieces = "";
    let from = 0;
    for (const p of [...points, text.length]) {
      pieces += n.neutralize(text.slice(from, p));
      from = p;
    }
    expect(pieces).toBe(whole);
    expect(whole.replaceAll(ZERO_WIDTH_SPACE, "")).toBe(text);
  });

  it("neutralizes a set ID shaped like a command where it starts a line, and leaves other text alone", () => {
    const n = new CommandNeutralizer();
    expect(n.neutralize("::error::pwned/a: Created\n")).toBe(
      `:${ZERO_WIDTH_SPACE}:error::pwned/a: Created\n`,
    );
    expect(n.neutralize("  ::set-output name=x::y\n")).toBe(`  :${ZERO_WIDTH_SPACE}:set-output name=x::y\n`);
    expect(n.neutralize('+ key "::error::pwned/a" {\n')).toBe('+ key "::error::pwned/a" {\n');
    expect(n.neutralize("file:##[error].pem\n")).toBe(`file:##${ZERO_WIDTH_SPACE}[error].pem\n`);
    expect(n.neutralize(":")).toBe(":");
    expect(n.neutralize(":error::split across writes\n")).toBe(
      `${ZERO_WIDTH_SPACE}:error::split across writes\n`,
    );
  });

  it("puts its own command on a line of its own when the stream is mid-line", () => {
    const io = captureIo({ env: { GITHUB_ACTIONS: "true" } });
    const ci = ciSurfaceFor(io);
    ci.io.stderr.write("Enter a value: ");
    ci.annotate("error", "x");
    expect(io.err()).toBe("Enter a value: \n::error::x\n");
  });

  it("changes nothing outside GitHub Actions", () => {
    const io = captureIo({ env: { GITHUB_ACTIONS: "false" } });
    const ci = ciSurfaceFor(io);
    expect(ci.io).toBe(io);
    ci.annotate("error", "x");
    ci.group("stdout", "t", () => {
      ci.io.stdout.write("::error::pwned\n");
    });
    expect(io.out()).toBe("::error::pwned\n");
    expect(io.err()).toBe("");
  });

  it("shares one neutralizer per stream, so a second surface over the same Io continues the line", () => {
    const io = captureIo({ env: { GITHUB_ACTIONS: "true" } });
    ciSurfaceFor(io).io.stdout.write("  :");
    const again = ciSurfaceFor(ciSurfaceFor(io).io);
    again.io.stdout.write(":error::x\n");
    expect(runnerCommands(io.out())).toEqual([]);
  });
});
