import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  annotationCommand,
  escapeData,
  escapeProperty,
  workflowCommand,
} from "../../../src/cli/github/workflow-command.js";
import { parseRunnerLine, unescapeData, unescapeProperty } from "./runner-model.js";

describe("workflow command escaping (actions/toolkit command.ts)", () => {
  it("escapes data: % CR LF", () => {
    expect(escapeData("100% done\r\nnext")).toBe("100%25 done%0D%0Anext");
    expect(escapeData("a::b,c")).toBe("a::b,c");
  });

  it("escapes properties: also : and ,", () => {
    expect(escapeProperty("C:\\keys,a%b\n")).toBe("C%3A\\keys%2Ca%25b%0A");
  });

  it("builds an annotation in the documented shape", () => {
    expect(
      annotationCommand("error", 'kid "a" is unknown\nsecond line', {
        file: "keysets.yaml",
        line: 6,
        col: 14,
        title: "Invalid keysync spec",
      }),
    ).toBe(
      '::error file=keysets.yaml,line=6,col=14,title=Invalid keysync spec::kid "a" is unknown%0Asecond line',
    );
    expect(workflowCommand("group", {}, "keysync plan: No changes.")).toBe(
      "::group::keysync plan: No changes.",
    );
    expect(workflowCommand("endgroup", {}, "")).toBe("::endgroup::");
  });

  test.prop([fc.string(), fc.string()], { numRuns: 2000 })(
    "the runner unescapes exactly what was escaped",
    (data, property) => {
      expect(unescapeData(escapeData(data))).toBe(data);
      expect(unescapeProperty(escapeProperty(property))).toBe(property);
      expect(escapeData(data)).not.toMatch(/[\r\n]/);
      expect(escapeProperty(property)).not.toMatch(/[\r\n:,]/);
    },
  );

  test.prop([fc.string(), fc.string({ unit: fc.constantFrom(":", ",", "=", "%", " ", "\n", "x") })], {
    numRuns: 1000,
  })("a message or file name cannot add a property or end the command early", (message, file) => {
    const parsed = parseRunnerLine(annotationCommand("warning", message, { file, title: "t" }));
    expect(parsed?.name).toBe("warning");
    expect(parsed?.data).toBe(message);
    expect(Object.keys(parsed?.properties ?? {}).every((k) => k === "file" || k === "title")).toBe(true);
    expect(parsed?.properties["title"]).toBe("t");
  });
});
