// Preloaded into a CLI child (`node --import …/child-usage.mjs dist/cli.js …`) to report what it
// used: at exit, writes {"maxRssKiB", "userMs", "systemMs"} from process.resourceUsage() to
// $KEYSYNC_BENCH_USAGE_FILE. Peak RSS portably (instead of `/usr/bin/time -f %M`), and CPU
// time, which other load on the machine disturbs much less than wall time. Loads nothing else.
import { writeFileSync } from "node:fs";

const file = process.env.KEYSYNC_BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKiB: usage.maxRSS,
        userMs: usage.userCPUTime / 1000,
        systemMs: usage.systemCPUTime / 1000,
      }),
    );
  });
}
