// Preloaded into a CLI child (`node --import …/child-requests.mjs dist/cli.js …`) to count the
// HTTP requests it sent, whatever server answered: at exit, writes {"total", "byMethod",
// "byStatus"} to $KEYSYNC_BENCH_REQUESTS_FILE. Counted from node:http's diagnostics channels
// (keysync's axios sends through node:http), so retries count too; an answer that never came
// (connection error, timeout) shows as status "none". Used where the server cannot count for
// the bench (real Hydra); loads nothing but node built-ins.
import { subscribe } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";

const file = process.env.KEYSYNC_BENCH_REQUESTS_FILE;
if (file) {
  const byMethod = {};
  const byStatus = {};
  let total = 0;
  subscribe("http.client.request.start", ({ request }) => {
    total += 1;
    byMethod[request.method] = (byMethod[request.method] ?? 0) + 1;
  });
  subscribe("http.client.response.finish", ({ response }) => {
    const status = String(response.statusCode);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  });
  process.on("exit", () => {
    const answeredCount = Object.values(byStatus).reduce((n, c) => n + c, 0);
    if (answeredCount < total) byStatus.none = total - answeredCount;
    writeFileSync(file, JSON.stringify({ total, byMethod, byStatus }));
  });
}
