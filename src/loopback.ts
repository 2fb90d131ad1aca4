/**
 * Whether a host, as the WHATWG URL parser gives it (`URL.hostname`), is this machine: an IPv4
 * literal in 127.0.0.0/8, the IPv6 literal `::1`, or the name `localhost`. Judged on the parsed
 * host, never by string prefix: `127.attacker.example` and `127.0.0.1.nip.io` are names whose
 * DNS someone else controls. The parser has already turned every IPv4 spelling (`127.1`,
 * `0x7f000001`) into dotted decimal, so a dotted quad here is an address, not a name.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]" || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The same rule for a bare host as given to a listen flag (`::1`, `127.0.0.2`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  try {
    return isLoopbackHostname(new URL(`http://${host.includes(":") ? `[${host}]` : host}/`).hostname);
  } catch {
    return false;
  }
}
