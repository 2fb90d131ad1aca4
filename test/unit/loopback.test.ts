import { describe, expect, it } from "vitest";
import { isLoopbackHost, isLoopbackHostname } from "../../src/loopback.js";

describe("the loopback rule", () => {
  it("accepts 127.0.0.0/8, ::1 and localhost as the URL parser gives them", () => {
    for (const url of [
      "http://127.0.0.1",
      "http://127.1",
      "http://0x7f000001",
      "http://127.255.0.9",
      "http://[::1]",
      "http://localhost",
      "http://LocalHost",
    ]) {
      expect({ url, ok: isLoopbackHostname(new URL(url).hostname) }).toEqual({ url, ok: true });
    }
  });

  it("refuses names that start like an address, mapped addresses and other addresses", () => {
    for (const url of [
      "http://127.attacker.example",
      "http://127.0.0.1.nip.io",
      "http://localhost.evil",
      "http://[::ffff:127.0.0.1]",
      "http://128.0.0.1",
      "http://10.0.0.1",
      "http://[::2]",
      "http://0.0.0.0",
    ]) {
      expect({ url, ok: isLoopbackHostname(new URL(url).hostname) }).toEqual({ url, ok: false });
    }
  });

  it("judges a bare listen host the same way", () => {
    expect(["127.0.0.2", "::1", "localhost"].map(isLoopbackHost)).toEqual([true, true, true]);
    expect(["127.attacker.example", "0.0.0.0", "::", "", "a b"].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
