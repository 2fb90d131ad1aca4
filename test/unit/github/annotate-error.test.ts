import { describe, expect, it } from "vitest";
import { FileError, PlanError, SpecError } from "../../../src/errors.js";
import { reportError } from "../../../src/cli/report-error.js";
import { captureIo } from "../../support/capture-io.js";

const actions = { GITHUB_ACTIONS: "true" };
const specError = new SpecError([
  {
    position: { file: "config/keysets.yaml", line: 6, column: 14 },
    message: 'alg "HS256" cannot be generated',
  },
  {
    position: { file: "config/keysets.yaml", line: 9, column: 3 },
    message: 'set ID "::error::x" is bad, 100%',
  },
]);

describe("reportError in GitHub Actions", () => {
  it("prints the usual FILE:LINE:COLUMN lines, then one annotation per spec problem", () => {
    const io = captureIo({ env: actions });
    expect(reportError(specError, io)).toBe(1);
    expect(io.err()).toBe(
      [
        'config/keysets.yaml:6:14: alg "HS256" cannot be generated',
        'config/keysets.yaml:9:3: set ID "::error::x" is bad, 100%',
        '::error file=config/keysets.yaml,line=6,col=14,title=Invalid keysync spec::alg "HS256" cannot be generated',
        '::error file=config/keysets.yaml,line=9,col=3,title=Invalid keysync spec::set ID "::error::x" is bad, 100%25',
        "",
      ].join("\n"),
    );
  });

  it("names the file relative to GITHUB_WORKSPACE, as GitHub does", () => {
    const io = captureIo({ env: { ...actions, GITHUB_WORKSPACE: "/repo" }, cwd: "/repo/config" });
    const error = new SpecError([{ position: { file: "keysets.yaml", line: 2, column: 1 }, message: "m" }]);
    reportError(error, io);
    expect(io.err()).toContain("::error file=config/keysets.yaml,line=2,col=1,");
  });

  it("annotates each plan problem, and other errors once", () => {
    const io = captureIo({ env: actions });
    reportError(new PlanError(["set a exists; run `keysync import a`", "set b too"]), io);
    reportError(new FileError("cannot read x"), io);
    expect(io.err()).toBe(
      [
        "Error: set a exists; run `keysync import a`",
        "Error: set b too",
        "::error title=keysync::set a exists; run `keysync import a`",
        "::error title=keysync::set b too",
        "Error: cannot read x",
        "::error title=keysync::cannot read x",
        "",
      ].join("\n"),
    );
  });

  it("prints exactly what it printed before outside Actions", () => {
    const io = captureIo({ env: {} });
    reportError(specError, io);
    expect(io.err()).toBe(
      'config/keysets.yaml:6:14: alg "HS256" cannot be generated\nconfig/keysets.yaml:9:3: set ID "::error::x" is bad, 100%\n',
    );
  });
});
