import type { Jwk } from "../../jwk/jwk.js";
import { quote } from "./quote.js";
import { rsaPrivateMembersAgree } from "./rsa-consistency.js";

export type ReadJwkResult =
  { readonly ok: true; readonly jwk: Jwk } | { readonly ok: false; readonly problems: readonly string[] };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const RSA_PRIVATE = ["p", "q", "dp", "dq", "qi"] as const;
/** Exact coordinate and `d` lengths in bytes; go-jose refuses anything else (hydra-jwk-contract.md §5). */
const CURVE_BYTES: Readonly<Record<string, number>> = { "P-256": 32, "P-384": 48, "P-521": 66, Ed25519: 32 };

/**
 * Checks that `value` is one JWK keysync can upload, member by member (RFC 7517, RFC 7518 §6,
 * RFC 8037): a supported kty, every member its kty needs as base64url text, full-length EC and
 * Ed25519 members, an RSA private key with all of `p q dp dq qi` (Hydra needs p and q; RFC 7518
 * §6.3.2 wants all or none) that agree with n, e and d, and no multi-prime `oth`. Problems never
 * quote member values, only member names.
 */
export function readJwk(value: unknown): ReadJwkResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(["is not a JSON object holding one JWK"]);
  }
  const obj = value as Record<string, unknown>;
  if (Object.hasOwn(obj, "keys")) {
    return fail(["holds a JWK Set; a source holds exactly one key, so take one key out of its keys list"]);
  }
  const problems: string[] = [];
  for (const name of ["kid", "alg", "use"]) {
    if (obj[name] !== undefined && typeof obj[name] !== "string") {
      problems.push(`has a ${name} member that is not a string`);
    }
  }
  if (obj["oth"] !== undefined) {
    problems.push("is a multi-prime RSA key (oth); Ory ignores oth, so keysync refuses such keys");
  }
  const member = (name: string, required: boolean): void => {
    const v = obj[name];
    if (v === undefined) {
      if (required) problems.push(`has no ${quote(name)} member`);
    } else if (typeof v !== "string" || !BASE64URL.test(v)) {
      problems.push(`has a ${quote(name)} member that is not base64url text`);
    }
  };
  const kty = obj["kty"];
  switch (kty) {
    case "RSA": {
      member("n", true);
      member("e", true);
      const isPrivate = obj["d"] !== undefined;
      member("d", false);
      const missing = RSA_PRIVATE.filter((name) => obj[name] === undefined);
      if (isPrivate && missing.length > 0) {
        problems.push(
          `is an RSA private key without ${missing.join(", ")}; Hydra needs p and q, and RFC 7518 §6.3.2 wants all of p q dp dq qi`,
        );
      }
      for (const name of RSA_PRIVATE) member(name, false);
      if (!isPrivate && missing.length < RSA_PRIVATE.length)
        problems.push("has private RSA members but no d");
      if (isPrivate && problems.length === 0 && !rsaPrivateMembersAgree(obj as unknown as Jwk)) {
        problems.push(
          "is an RSA private key whose members do not belong together (n, e, d, p, q, dp, dq, qi)",
        );
      }
      break;
    }
    case "EC":
    case "OKP": {
      const crv = obj["crv"];
      const curves = kty === "EC" ? ["P-256", "P-384", "P-521"] : ["Ed25519"];
      if (typeof crv !== "string" || !curves.includes(crv)) {
        problems.push(
          `has curve ${typeof crv === "string" ? quote(crv) : "(none)"}; ${kty} keys must use ${curves.join(", ")}`,
        );
        break;
      }
      const names = kty === "EC" ? ["x", "y"] : ["x"];
      for (const name of names) member(name, true);
      member("d", false);
      for (const name of [...names, "d"]) {
        const v = obj[name];
        if (
          typeof v === "string" &&
          BASE64URL.test(v) &&
          Buffer.from(v, "base64url").length !== CURVE_BYTES[crv]
        ) {
          problems.push(
            `has a ${quote(name)} member that is not exactly ${CURVE_BYTES[crv]} bytes long, as ${crv} needs`,
          );
        }
      }
      break;
    }
    case "oct":
      member("k", true);
      break;
    default:
      problems.push(
        `has kty ${typeof kty === "string" ? quote(kty) : "(none)"}; keysync takes RSA, EC, OKP (Ed25519) and oct keys`,
      );
  }
  return problems.length === 0 ? { ok: true, jwk: obj as unknown as Jwk } : fail(problems);
}

function fail(problems: readonly string[]): ReadJwkResult {
  return { ok: false, problems };
}
