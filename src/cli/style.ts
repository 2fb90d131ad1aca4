import { styleText } from "node:util";
import type { Env, OutputStream } from "./io.js";

/** The few styles keysync uses. Renderers take a `Style` so tests and files get plain text. */
export type StyleName = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
export type Style = (name: StyleName, text: string) => string;

export const plain: Style = (_name, text) => text;
const ansi: Style = (name, text) => styleText(name, text, { validateStream: false });

/**
 * Colour is decided once per stream: `--no-color` and `NO_COLOR` always win, then `FORCE_COLOR`
 * (the CI convention for coloured logs), then whether the stream is a terminal (contract §6).
 */
export function chooseStyle(stream: OutputStream, env: Env, noColorFlag: boolean): Style {
  if (noColorFlag) return plain;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return plain;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "") return force === "0" || force === "false" ? plain : ansi;
  return stream.isTTY ? ansi : plain;
}
