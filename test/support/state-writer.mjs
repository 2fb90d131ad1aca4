// Writes the state file in an endless loop, for crash-safety tests that SIGKILL it at random
// moments. Uses the built dist/state/store.js, the code keysync runs.
//
//   node state-writer.mjs STATE_PATH
//
// Prints "ready" once its first write is on disk, then keeps changing the state (adding and
// removing keys in ~40 sets, so each write is a few tens of kilobytes) until killed.
const { StateStore } = await import(new URL("../../dist/state/store.js", import.meta.url).href);

const [statePath] = process.argv.slice(2);
const store = await StateStore.open(statePath, statePath);

const key = (kid, n) => ({
  kid,
  kty: "RSA",
  alg: "RS256",
  use: "sig",
  thumbprint: `tp${n}`,
  origin: "generated",
  hasPrivate: true,
});

for (let n = 0; ; n += 1) {
  const setId = `set-${n % 40}`;
  const kid = `k-${n % 12}`;
  await store.update((state) => {
    const sets = new Map(state.sets);
    const keys = (sets.get(setId)?.keys ?? []).filter((k) => k.kid !== kid);
    if (n % 3 !== 0) keys.push(key(kid, n));
    keys.sort((a, b) => (a.kid < b.kid ? -1 : 1));
    sets.set(setId, { setId, keys });
    const pending = n % 2 === 0 ? [{ op: "delete-key", setId, kid }] : [];
    return { ...state, target: `http://127.0.0.1:${4000 + (n % 1000)}`, sets, pending };
  });
  if (n === 0) process.stdout.write("ready\n");
}
