import type { ActionStep, ApplyHooks } from "../apply/hooks.js";
import { addressOf } from "../apply/apply-plan.js";
import { hidesThumbprint } from "../jwk/describe-key.js";
import { assertNever } from "../errors.js";
import type { OutputStream } from "./io.js";
import type { Style } from "./style.js";

const STEP_TEXT: Readonly<Record<ActionStep, string>> = {
  generating: "Generating on Ory...",
  uploading: "Uploading...",
  "deleting-key": "Deleting...",
  "deleting-set": "Deleting the whole set...",
};

/**
 * Apply progress on stderr (stdout carries the plan and results). In CI and pipes: one line per
 * event, append-only, the Terraform way. On a terminal: the step in flight is a live line that
 * is overwritten; completions and failures stay.
 */
export function progressHooks(stream: OutputStream, style: Style, total: number): ApplyHooks {
  let finished = 0;
  const live = stream.isTTY;
  const line = (text: string): void => {
    stream.write(live ? `\r\x1b[K${text}\n` : `${text}\n`);
  };
  return {
    onStep(action, step) {
      const text = `${addressOf(action)}: ${STEP_TEXT[step]}`;
      if (live) stream.write(`\r\x1b[K${style("dim", `[${finished + 1}/${total}]`)} ${text}`);
      else line(text);
    },
    onDone(action, { thumbprint }) {
      finished += 1;
      const what =
        action.kind === "delete-key" || action.kind === "delete-set"
          ? "Deleted"
          : action.kind === "generate" || (action.kind === "upload" && action.before === null)
            ? "Created"
            : "Replaced";
      line(
        `${addressOf(action)}: ${style("green", what)}${thumbprint === null || hidden(action) ? "" : ` [thumbprint ${thumbprint}]`}`,
      );
    },
    onFailed(action, message) {
      finished += 1;
      line(`${addressOf(action)}: ${style("red", "Failed")}: ${message}`);
    },
    onSettled({ intent, outcome }) {
      const subject = "kid" in intent ? `${intent.setId}/${intent.kid}` : intent.setId;
      let what: string;
      switch (intent.op) {
        case "generate-key":
          what = outcome === "done" ? "was generated" : "was never generated";
          break;
        case "put-key":
          what = outcome === "done" ? "was uploaded" : "was never uploaded";
          break;
        case "delete-key":
        case "delete-set":
          what = outcome === "done" ? "was deleted" : "was not deleted";
          break;
        default:
          what = assertNever(intent, "intent");
      }
      line(
        `${subject}: an interrupted earlier run left this write unfinished; reading Ory shows it ${what}. State updated.`,
      );
    },
  };
}

/** An action on a symmetric key: its fingerprint is never printed (describe-key.ts). */
function hidden(action: Parameters<ApplyHooks["onDone"]>[0]): boolean {
  switch (action.kind) {
    case "generate":
    case "regenerate":
    case "upload":
      return hidesThumbprint(action.after.kty);
    case "delete-key":
      return hidesThumbprint(action.before.kty);
    case "delete-set":
      return true;
    default:
      return assertNever(action, "action");
  }
}
