import { X509Certificate, createHash } from "node:crypto";
import type { Jwk } from "../jwk/jwk.js";

/**
 * go-jose's handling of `x5c`, `x5t` and `x5t#S256` on decode (hydra-jwk-contract.md §5): the
 * chain is parsed as DER, the leaf's public key must equal the JWK's key, and thumbprints (raw
 * or hex, as go-jose tolerates both) must have the right size and match the leaf when both are
 * present. Certificates are not allowed on symmetric keys.
 */
export interface CertificateMembers {
  readonly x5c: readonly string[];
  readonly x5t: string;
  readonly x5tS256: string;
}

export type CertificateResult =
  | { readonly ok: true; readonly members: CertificateMembers }
  | { readonly ok: false; readonly message: string };

const PREFIX = "go-jose/go-jose: invalid JWK";

export function checkCertificates(
  publicKey: Jwk | null,
  x5c: readonly string[],
  x5t: string,
  x5tS256: string,
): CertificateResult {
  const sha1 = decodeThumbprint(x5t, 20, "x5t");
  if (typeof sha1 === "string") return { ok: false, message: sha1 };
  const sha256 = decodeThumbprint(x5tS256, 32, "x5t#S256");
  if (typeof sha256 === "string") return { ok: false, message: sha256 };

  const chain: Buffer[] = [];
  for (const entry of x5c) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(entry) || entry.length % 4 !== 0) {
      return { ok: false, message: "go-jose/go-jose: failed to unmarshal x5c field: illegal base64 data" };
    }
    chain.push(Buffer.from(entry, "base64"));
  }
  const leafDer = chain[0];
  if (leafDer !== undefined) {
    if (publicKey === null) return { ok: false, message: `${PREFIX}, x5c is not allowed for symmetric keys` };
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(leafDer);
      for (const der of chain.slice(1)) new X509Certificate(der);
    } catch {
      return {
        ok: false,
        message: "go-jose/go-jose: failed to unmarshal x5c field: x509: malformed certificate",
      };
    }
    if (!samePublicKey(publicKey, leaf.publicKey.export({ format: "jwk" }))) {
      return { ok: false, message: `${PREFIX}, public keys in key and x5c fields do not match` };
    }
    if (sha1.length > 0 && !sha1.equals(createHash("sha1").update(leafDer).digest())) {
      return { ok: false, message: `${PREFIX}, x5c thumbprint does not match x5t value` };
    }
    if (sha256.length > 0 && !sha256.equals(createHash("sha256").update(leafDer).digest())) {
      return { ok: false, message: `${PREFIX}, x5c thumbprint does not match x5t#S256 value` };
    }
  }
  return {
    ok: true,
    members: {
      x5c: chain.map((der) => der.toString("base64")),
      x5t: sha1.toString("base64url"),
      x5tS256: sha256.toString("base64url"),
    },
  };
}

function decodeThumbprint(value: string, size: number, name: string): Buffer | string {
  if (value === "") return Buffer.alloc(0);
  if (!/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) {
    return `${PREFIX}, ${name} header has invalid encoding`;
  }
  let bytes = Buffer.from(value, "base64url");
  // go-jose accepts the hex form too (RFC 7517 §4.8 is ambiguous), and re-encodes it as raw bytes.
  if (bytes.length === size * 2 && /^[0-9a-fA-F]+$/.test(bytes.toString("latin1"))) {
    bytes = Buffer.from(bytes.toString("latin1"), "hex");
  }
  if (bytes.length !== size) return `${PREFIX}, ${name} header is of incorrect size`;
  return bytes;
}

function samePublicKey(key: Jwk, leaf: Record<string, unknown>): boolean {
  const canon = (v: unknown): string =>
    typeof v === "string"
      ? Buffer.from(v, "base64url")
          .toString("hex")
          .replace(/^(00)+/, "")
      : "";
  if (key.kty !== leaf["kty"]) return false;
  switch (key.kty) {
    case "RSA":
      return canon(key.n) === canon(leaf["n"]) && canon(key.e) === canon(leaf["e"]);
    case "EC":
      return key.crv === leaf["crv"] && key.x === leaf["x"] && key.y === leaf["y"];
    case "OKP":
      return key.crv === leaf["crv"] && key.x === leaf["x"];
    default:
      return false;
  }
}
