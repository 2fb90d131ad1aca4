import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import type { JsonWebKey, KeyObject } from "node:crypto";
import type { Jwk } from "../../jwk/jwk.js";
import { readJwk } from "../rules/jwk-members.js";
import { quote } from "../rules/quote.js";
import { keyMembersOf } from "./key-members.js";

/** One key read from a `source`, or what is wrong with it (verb phrases: "is not valid JSON"). */
export type MaterialResult =
  { readonly ok: true; readonly jwk: Jwk } | { readonly ok: false; readonly problems: readonly string[] };

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,64})-----[\s\S]*?-----END \1-----/g;
const PRIVATE_LABELS: ReadonlySet<string> = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]);
const PUBLIC_LABELS: ReadonlySet<string> = new Set(["PUBLIC KEY", "RSA PUBLIC KEY"]);

/**
 * Reads key material: one PEM block (PKCS#8, PKCS#1, SEC1, SPKI, X.509, through node:crypto,
 * which unlike jose's importPKCS8 also reads PKCS#1 and SEC1; ecosystem.md §7) or one JWK as
 * JSON. Then checks it member by member (`readJwk`). Problems never quote the input: JSON.parse
 * and OpenSSL messages can carry fragments of it, so they are replaced, not passed on.
 */
export function parseKeyMaterial(bytes: Uint8Array): MaterialResult {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("is not text; give a PEM file or one JWK as JSON (binary DER is not read)");
  }
  text = text.replace(/^\uFEFF/, "").trim();
  if (text === "") return fail("is empty");
  if (text.startsWith("{") || text.startsWith("[")) return parseJwkJson(text);
  if (text.includes("-----BEGIN ")) return parsePem(text);
  return fail("is neither PEM nor a JWK JSON object");
}

function parseJwkJson(text: string): MaterialResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail("is not valid JSON");
  }
  const read = readJwk(value);
  if (!read.ok) return read;
  if (read.jwk.kty === "oct") return read;
  // node:crypto checks what member syntax cannot, e.g. that an EC point is on its curve.
  try {
    const members = keyMembersOf(read.jwk) as JsonWebKey;
    if (read.jwk.d === undefined) createPublicKey({ key: members, format: "jwk" });
    else createPrivateKey({ key: members, format: "jwk" });
  } catch {
    return fail(`holds ${read.jwk.kty} key members that do not form a valid key`);
  }
  return read;
}

function parsePem(text: string): MaterialResult {
  const layout = keyBlockOf(text);
  if (!layout.ok) return layout;
  const { pem, label } = layout;
  if (label === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    return fail(
      "holds an encrypted private key; keysync takes no passphrases, so decrypt it (openssl pkey -in FILE) and keep the plain key in a secret store, passed in through env:KEYSYNC_…",
    );
  }
  let key: KeyObject;
  try {
    if (PRIVATE_LABELS.has(label)) key = createPrivateKey({ key: pem, format: "pem" });
    else if (PUBLIC_LABELS.has(label)) key = createPublicKey({ key: pem, format: "pem" });
    else if (label === "CERTIFICATE") key = new X509Certificate(pem).publicKey;
    else {
      return fail(
        `holds a PEM block labelled ${quote(label)}; keysync reads PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY and CERTIFICATE`,
      );
    }
  } catch {
    return fail(`holds a ${label} PEM block that could not be read`);
  }
  const type = key.asymmetricKeyType;
  if (type !== "rsa" && type !== "ec" && type !== "ed25519") {
    return fail(
      `holds a ${type ?? "unknown"} key; keysync takes RSA, EC (P-256, P-384, P-521) and Ed25519 keys`,
    );
  }
  let exported: JsonWebKey;
  try {
    exported = key.export({ format: "jwk" });
  } catch {
    return fail(`holds a ${type.toUpperCase()} key that cannot be expressed as a JWK`);
  }
  return readJwk(exported);
}

type KeyBlock = { readonly ok: true; readonly pem: string; readonly label: string } | MaterialFailure;
type MaterialFailure = Extract<MaterialResult, { ok: false }>;

/**
 * The one key block of a PEM source. A source holds exactly one key and nothing else (issue 16
 * #4: a file that is not a key must not be half-read into one), beside only what openssl writes
 * with a key: an `EC PARAMETERS` block right before a SEC1 `EC PRIVATE KEY`, and after a
 * `CERTIFICATE` the rest of its chain (each certificate issued by the one after it). No text
 * outside the blocks (`openssl x509 -text` output, bag attributes) and no second key.
 */
function keyBlockOf(text: string): KeyBlock {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const first = blocks[0];
  if (first === undefined) return fail("holds no complete PEM block");
  if (text.replace(PEM_BLOCK, "").trim() !== "") {
    return fail("holds text outside its PEM blocks; a source holds one key and nothing else");
  }
  const labels = blocks.map((b) => b[1] ?? "");
  const start = labels[0] === "EC PARAMETERS" && labels[1] === "EC PRIVATE KEY" ? 1 : 0;
  const [pem, label = ""] = blocks[start] ?? first;
  const rest = blocks.slice(start + 1);
  if (rest.length === 0) return { ok: true, pem, label };
  if (label !== "CERTIFICATE" || rest.some((b) => b[1] !== "CERTIFICATE")) {
    return fail(`holds ${blocks.length} PEM blocks; a source holds exactly one key`);
  }
  try {
    const chain = [pem, ...rest.map((b) => b[0])].map((c) => new X509Certificate(c));
    for (const [i, issuer] of chain.entries()) {
      const subject = chain[i - 1];
      if (subject !== undefined && !subject.checkIssued(issuer)) {
        return fail(
          `holds ${chain.length} certificates that are not one chain; a source holds one key (a certificate may be followed by its issuers)`,
        );
      }
    }
  } catch {
    return fail("holds a CERTIFICATE PEM block that could not be read");
  }
  return { ok: true, pem, label };
}

function fail(problem: string): MaterialFailure {
  return { ok: false, problems: [problem] };
}
