import { createPublicKey } from "node:crypto";
import type { Jwk } from "../jwk/jwk.js";
import { bytesToBigInt, decodeBase64Url, encodeBase64Url, stripLeadingZeros } from "./base64url.js";
import { checkCertificates } from "./check-certificates.js";
import { goTypeName } from "./go-json.js";
import { validateRsaPrivateKey } from "./validate-rsa-key.js";

/**
 * Decodes one JWK the way go-jose v3.0.5 `JSONWebKey.UnmarshalJSON` does, which is all the
 * validation Hydra applies to `PUT /admin/keys/{set}` and `PUT /admin/keys/{set}/{kid}` bodies
 * (hydra-jwk-contract.md §5), and re-encodes it the way go-jose marshals it, which is what Hydra
 * stores and echoes (§4.2, §4.3):
 * - `kty` must be RSA, EC, OKP or oct; EC only P-256/P-384/P-521 with full-length coordinates on
 *   the curve; OKP only Ed25519, with no length check; RSA private keys must validate; oct needs k.
 * - `d` present selects the private form; `d` is not checked against the public part (EC, OKP).
 * - Unknown members (`key_ops`, `ext`, `oth`…) are dropped; empty `kid`/`alg`/`use` are omitted;
 *   members appear in go-jose's order; big integers lose leading zero bytes.
 * On failure the result carries go-jose's error text, which Hydra puts in its 400 body.
 */
export type DecodeJwkResult =
  { readonly ok: true; readonly jwk: Jwk } | { readonly ok: false; readonly message: string };

const CURVES: Readonly<Record<string, number>> = { "P-256": 32, "P-384": 48, "P-521": 66 };
const BYTE_MEMBERS = ["k", "x", "y", "n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;
type ByteMember = (typeof BYTE_MEMBERS)[number];
type Bytes = Partial<Record<ByteMember, Buffer>>;

class DecodeFailure extends Error {}

export function decodeJwk(value: unknown): DecodeJwkResult {
  try {
    return { ok: true, jwk: decodeOrThrow(value) };
  } catch (error: unknown) {
    if (error instanceof DecodeFailure) return { ok: false, message: error.message };
    throw error;
  }
}

function fail(message: string): never {
  throw new DecodeFailure(message);
}

function decodeOrThrow(value: unknown): Jwk {
  // go-jose unmarshals `null` into an empty key, which then has no type.
  const raw = value === null ? {} : value;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    fail(`json: cannot unmarshal ${goTypeName(raw)} into Go value of type jose.rawJSONWebKey`);
  }
  const members = raw as Record<string, unknown>;
  const text = (name: string): string => {
    const v = members[name];
    if (v === undefined || v === null) return "";
    if (typeof v !== "string") {
      fail(
        `json: cannot unmarshal ${goTypeName(v)} into Go struct field rawJSONWebKey.${name} of type string`,
      );
    }
    return v;
  };
  const [use, kty, kid, crv, alg, x5u, x5t, x5tS256] = [
    text("use"),
    text("kty"),
    text("kid"),
    text("crv"),
    text("alg"),
    text("x5u"),
    text("x5t"),
    text("x5t#S256"),
  ];
  const bytes: Bytes = {};
  for (const name of BYTE_MEMBERS) {
    const v = members[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") fail(`json: cannot unmarshal ${goTypeName(v)} into Go value of type string`);
    const decoded = decodeBase64Url(v);
    if (!decoded.ok) fail(decoded.message);
    bytes[name] = decoded.bytes;
  }
  const x5c = stringList(members["x5c"]);

  const key = decodeKey(kty, crv, bytes);
  const certs = checkCertificates(kty === "oct" ? null : publicOf(key), x5c, x5t, x5tS256);
  if (!certs.ok) fail(certs.message);

  const out: Record<string, unknown> = {};
  const put = (name: string, v: string | undefined): void => {
    if (v !== undefined && v !== "") out[name] = v;
  };
  put("use", use);
  put("kty", kty);
  put("kid", kid);
  put("crv", key.crv);
  put("alg", alg);
  for (const name of BYTE_MEMBERS) {
    const v = key[name];
    if (v !== undefined) out[name] = v;
  }
  if (certs.members.x5c.length > 0) out["x5c"] = [...certs.members.x5c];
  put("x5u", x5u);
  put("x5t", certs.members.x5t);
  put("x5t#S256", certs.members.x5tS256);
  return out as unknown as Jwk;
}

function stringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((e): e is string => typeof e === "string")) {
    fail(`json: cannot unmarshal ${goTypeName(v)} into Go struct field rawJSONWebKey.x5c of type []string`);
  }
  return v;
}

/** Key members, base64url-encoded, as go-jose writes them for the decoded key. */
type KeyMembers = Partial<Record<ByteMember | "crv", string>>;

function decodeKey(kty: string, crv: string, b: Bytes): KeyMembers {
  switch (kty) {
    case "RSA":
      return b.d === undefined ? rsaPublic(b) : rsaPrivate(b);
    case "EC":
      return ecKey(crv, b);
    case "OKP":
      if (crv !== "Ed25519" || b.x === undefined) fail(`go-jose/go-jose: unknown curve ${crv}'`);
      return okpKey(b.x, b.d);
    case "oct":
      if (b.k === undefined) fail("go-jose/go-jose: invalid OCT (symmetric) key, missing k value");
      return { k: encodeBase64Url(b.k) };
    default:
      return fail(`go-jose/go-jose: unknown json web key type '${kty}'`);
  }
}

const int = (bytes: Buffer): string => encodeBase64Url(stripLeadingZeros(bytes));

function rsaPublic(b: Bytes): KeyMembers {
  if (b.n === undefined || b.e === undefined) fail("go-jose/go-jose: invalid RSA key, missing n/e values");
  return { n: int(b.n), e: int(b.e) };
}

function rsaPrivate(b: Bytes): KeyMembers {
  const missing = (["n", "e", "d", "p", "q"] as const).find((m) => b[m] === undefined);
  if (missing !== undefined) {
    fail(`go-jose/go-jose: invalid RSA private key, missing ${missing.toUpperCase()} value(s)`);
  }
  const { n, e, d, p, q } = b as Required<Pick<Bytes, "n" | "e" | "d" | "p" | "q">>;
  const big = (m: Buffer | undefined): bigint | null => (m === undefined ? null : bytesToBigInt(m));
  const problem = validateRsaPrivateKey({
    n: bytesToBigInt(n),
    e: bytesToBigInt(e),
    d: bytesToBigInt(d),
    p: bytesToBigInt(p),
    q: bytesToBigInt(q),
    dp: big(b.dp),
    dq: big(b.dq),
    qi: big(b.qi),
  });
  if (problem !== null) fail(problem);
  const out: KeyMembers = { n: int(n), e: int(e), d: int(d), p: int(p), q: int(q) };
  if (b.dp !== undefined) out.dp = int(b.dp);
  if (b.dq !== undefined) out.dq = int(b.dq);
  if (b.qi !== undefined) out.qi = int(b.qi);
  return out;
}

function ecKey(crv: string, b: Bytes): KeyMembers {
  const size = CURVES[crv];
  if (size === undefined) fail(`go-jose/go-jose: unsupported elliptic curve '${crv}'`);
  const kind = b.d === undefined ? "public" : "private";
  if (b.x === undefined || b.y === undefined || (kind === "private" && b.d === undefined)) {
    fail(`go-jose/go-jose: invalid EC key, missing x/y${kind === "private" ? "/d" : ""} values`);
  }
  if (b.x.length !== size) fail(`go-jose/go-jose: invalid EC ${kind} key, wrong length for x`);
  if (b.y.length !== size) fail(`go-jose/go-jose: invalid EC ${kind} key, wrong length for y`);
  if (b.d !== undefined && b.d.length !== size)
    fail("go-jose/go-jose: invalid EC private key, wrong length for d");
  const x = encodeBase64Url(b.x);
  const y = encodeBase64Url(b.y);
  try {
    createPublicKey({ key: { kty: "EC", crv, x, y }, format: "jwk" });
  } catch {
    fail("go-jose/go-jose: invalid EC key, X/Y are not on declared curve");
  }
  return b.d === undefined ? { crv, x, y } : { crv, x, y, d: encodeBase64Url(b.d) };
}

function okpKey(x: Buffer, d: Buffer | undefined): KeyMembers {
  if (d === undefined) return { crv: "Ed25519", x: encodeBase64Url(x) };
  // go-jose copies d and x into a 64-byte ed25519.PrivateKey: short values are zero-padded,
  // long ones cut, and that is what it marshals back.
  const priv = Buffer.alloc(64);
  d.copy(priv, 0, 0, Math.min(32, d.length));
  x.copy(priv, 32, 0, Math.min(32, x.length));
  return { crv: "Ed25519", x: encodeBase64Url(priv.subarray(32)), d: encodeBase64Url(priv.subarray(0, 32)) };
}

function publicOf(key: KeyMembers): Jwk | null {
  if (key.n !== undefined && key.e !== undefined) return { kty: "RSA", n: key.n, e: key.e };
  if (key.x !== undefined && key.y !== undefined)
    return { kty: "EC", crv: key.crv ?? "", x: key.x, y: key.y };
  if (key.x !== undefined) return { kty: "OKP", crv: key.crv ?? "", x: key.x };
  return null;
}
