import type { ValidateFunction } from "ajv/dist/2020.js";
import { PlanError } from "../errors.js";
import { PLAN_FILE_SCHEMA } from "./plan-file-schema.js";
import type { Plan } from "./types.js";

/** The plan-file format this keysync writes and the newest it reads. */
export const PLAN_FILE_VERSION = 1;

/**
 * A saved plan (`plan --out`): the plan itself, which `apply PLANFILE` executes exactly, and the
 * spec file it was made from (its `file:` sources resolve relative to it). Holds no key material
 * and no token: keys are facts, sources are references (`file:…`, `env:…`) resolved again and
 * checked against the recorded thumbprint at apply.
 */
export interface PlanFile {
  readonly format: "keysync-plan";
  readonly version: number;
  /** The spec file as it was named (relative to the working directory of `plan --out`). */
  readonly specFile: string;
  readonly plan: Plan;
}

export function serializePlanFile(plan: Plan, specFile: string): string {
  const file: PlanFile = { format: "keysync-plan", version: PLAN_FILE_VERSION, specFile, plan };
  return `${JSON.stringify(file, null, 2)}\n`;
}

let validator: ValidateFunction | undefined;

/**
 * Parses a saved plan, refusing anything that is not a complete plan file this keysync wrote:
 * not JSON (never quoting it), a newer version, any field of the wrong shape. Rejects with `PlanError`.
 */
export async function parsePlanFile(text: string, display: string): Promise<PlanFile> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new PlanError([`${display} is not a keysync plan file (not JSON)`]);
  }
  if (typeof doc !== "object" || doc === null || (doc as { format?: unknown }).format !== "keysync-plan") {
    throw new PlanError([
      `${display} is not a keysync plan file (make one with keysync plan --out ${display})`,
    ]);
  }
  const version = (doc as { version?: unknown }).version;
  if (typeof version === "number" && version > PLAN_FILE_VERSION) {
    throw new PlanError([
      `${display} was written by a newer keysync (plan file version ${version}); upgrade keysync`,
    ]);
  }
  // ajv is loaded only here, when a saved plan is read: `plan` writes plan files without it.
  if (validator === undefined) {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    validator = new Ajv2020({ allErrors: false, strict: true }).compile(PLAN_FILE_SCHEMA);
  }
  if (!validator(doc)) {
    const where = validator.errors?.[0]?.instancePath ?? "";
    throw new PlanError([
      `${display} is damaged or was edited: ${where === "" ? "the document" : where} does not match the plan file format`,
    ]);
  }
  return doc as unknown as PlanFile;
}
