// Refuses any outgoing TCP connection that is not to loopback. Loaded into every test worker
// (via loopback-only.ts) and into every CLI child process the tests spawn (node --import).
import net from "node:net";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);
// The one deliberate exception: the contract suite may be pointed at a real Ory on purpose.
for (const real of [process.env.KEYSYNC_IT_ORY_URL, process.env.KEYSYNC_IT_ORY_PUBLIC_URL]) {
  if (real) LOOPBACK.add(new URL(real).hostname);
}

function hostOf(args) {
  const [first, second] = args;
  if (Array.isArray(first)) return hostOf(first);
  if (first !== null && typeof first === "object") return first.host ?? (first.path ? "unix" : "localhost");
  if (typeof second === "string") return second;
  return "localhost";
}

const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const host = hostOf(args);
  // Judged as an address, never by prefix: "127.attacker.example" is a name.
  if (host !== "unix" && !LOOPBACK.has(host) && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new Error(`test network guard: refused connection to non-loopback host ${host}`);
  }
  return original.apply(this, args);
};
