import { KeysyncError } from "../../errors.js";

/**
 * A `source` reference cannot be turned into a key: the file or variable is missing, or what it
 * holds is not one usable key. The message names the reference (`file:keys/a.pem`,
 * `env:KEYSYNC_A`) and what is wrong, never the material or the variable's value.
 */
export class SourceError extends KeysyncError {
  override readonly name = "SourceError";
  constructor(
    /** The reference as written in the spec; null when it is malformed (it is then not quoted). */
    readonly source: string | null,
    /** Verb phrases that follow the reference ("does not exist"), or whole sentences without one. */
    readonly problems: readonly string[],
  ) {
    super(source === null ? problems.join("; ") : `${source} ${problems.join("; ")}`);
  }
}
