/**
 * Base64url the way go-jose reads and writes JWK members (`byteBuffer` in go-jose v3.0.5
 * `encoding.go`): trailing `=` padding is tolerated on input, the alphabet is strict (no `+`, `/`
 * or whitespace), and output is unpadded. Node's `Buffer.from(s, "base64url")` silently skips
 * characters it does not know, so it cannot be used to validate (hydra-jwk-contract.md §5).
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** The decoded bytes, or the Go error text `illegal base64 data at input byte N`. */
export type Base64Result =
  { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly message: string };

export function decodeBase64Url(value: string): Base64Result {
  const text = value.replace(/=+$/, "");
  if (!ALPHABET.test(text)) {
    const at = text.search(/[^A-Za-z0-9_-]/);
    return { ok: false, message: `illegal base64 data at input byte ${at}` };
  }
  if (text.length % 4 === 1)
    return { ok: false, message: `illegal base64 data at input byte ${text.length - 1}` };
  return { ok: true, bytes: Buffer.from(text, "base64url") };
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Big-endian unsigned integer bytes without leading zeros, as Go's `big.Int.Bytes()` gives them. */
export function stripLeadingZeros(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}
