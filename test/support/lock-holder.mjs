// Holds the state lock in a separate OS process, for two-process lock tests (Terraform's
// TestFilesystemLocks uses testdata/lockstate.go the same way). Uses the built dist/state/lock.js.
//
//   node lock-holder.mjs STATE_PATH [OPERATION] [TIMEOUT_MS]
//
// Prints one JSON line per event on stdout: {"event":"acquired","info":{…}}, {"event":"stale",
// "info":{…}} (a stale lock was taken over), {"event":"failed","name":…,"message":…} (exit 1).
// After acquiring it holds the lock until it reads "release" on stdin, stdin closes, or SIGTERM;
// then it releases, prints {"event":"released"} and exits 0. SIGKILL leaves the lock behind.
import { createInterface } from "node:readline";

const { acquireLock } = await import(new URL("../../dist/state/lock.js", import.meta.url).href);
const [statePath, operation = "apply", timeout = "0"] = process.argv.slice(2);
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

let lock;
try {
  lock = await acquireLock(statePath, {
    operation,
    timeoutMs: Number(timeout),
    onStaleTakeover: (info) => emit({ event: "stale", info }),
  });
} catch (error) {
  emit({ event: "failed", name: error.name, message: error.message });
  process.exit(1);
}
emit({ event: "acquired", info: lock.info });

let done = false;
const release = async () => {
  if (done) return;
  done = true;
  await lock.release();
  emit({ event: "released" });
  process.exit(0);
};
process.on("SIGTERM", () => void release());
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "release") void release();
});
lines.on("close", () => void release());
