import { describe, expect, it } from "vitest";
import { quote } from "../../../src/spec/rules/quote.js";
import {
  escapeUnsafe,
  escapeUnsafeInline,
  hasUnsafeCharacters,
} from "../../../src/text/unsafe-characters.js";

describe("unsafe characters", () => {
  it("escapes C0, DEL, C1, separators and bidi controls, keeping tab and newline as layout", () => {
    expect(escapeUnsafe("a\u001b[2Kb\rc\u0007\u007f\u009b\u2028\u202e\u2066\u200f\u061c")).toBe(
      "a\\u001b[2Kb\\u000dc\\u0007\\u007f\\u009b\\u2028\\u202e\\u2066\\u200f\\u061c",
    );
    expect(escapeUnsafe("line 1\n\tline 2\n")).toBe("line 1\n\tline 2\n");
    expect(escapeUnsafeInline("a\nb\tc")).toBe("a\\u000ab\\u0009c");
  });

  it("leaves letters of every script, emoji and JSON alone, and keeps escaped JSON valid", () => {
    const text = 'Ünïcødé 鍵 🔑 {"a":"b"}';
    expect(escapeUnsafe(text)).toBe(text);
    const json = JSON.stringify({ kid: "k\u202eX\u0085" });
    expect(JSON.parse(escapeUnsafe(json))).toEqual({ kid: "k\u202eX\u0085" });
  });

  it("tells whether a text holds one, the same on every call", () => {
    for (let i = 0; i < 3; i++) {
      expect(hasUnsafeCharacters("keys/a\u202e.pem")).toBe(true);
      expect(hasUnsafeCharacters("keys/a.pem")).toBe(false);
    }
  });

  it("quotes a name with every unsafe character escaped", () => {
    expect(quote("k\u202eX")).toBe('"k\\u202eX"');
    expect(quote("a\u001b]0;x\u0007")).toBe('"a\\u001b]0;x\\u0007"');
    expect(quote("a\u009bb")).toBe('"a\\u009bb"');
  });
});
