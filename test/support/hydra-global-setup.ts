import { buildHydra } from "../../scripts/hydra.mjs";

/** Builds real Hydra once before the "hydra" project's files start (reused from .cache/hydra). */
export function setup(): void {
  buildHydra({
    log: (line) => {
      console.log(line);
    },
  });
}
