import type { SourcePosition } from "../../errors.js";

/** A value read from the spec together with where it was written, for diagnostics. */
export interface Located<T> {
  readonly value: T;
  readonly position: SourcePosition;
}

/** A problem found before positions are known: where (a path into the spec) and what. */
export interface PathProblem {
  /** Property names and list indexes from the document root, e.g. `["sets", "a", "keys", "0"]`. */
  readonly path: readonly string[];
  /** Point at the map key that names `path` (unknown fields, set IDs) or at its value. */
  readonly at: "key" | "value";
  readonly message: string;
}
