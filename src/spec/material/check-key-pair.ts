import { createECDH, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import type { JsonWebKey } from "node:crypto";
import type { Jwk } from "../../jwk/jwk.js";
import { keyMembersOf, publicMembersOf } from "./key-members.js";

const ECDH_CURVES: Readonly<Record<string, string>> = {
  "P-256": "prime256v1",
  "P-384": "secp384r1",
  "P-521": "secp521r1",
};
const PROBE = Buffer.from("keysync key pair probe");

/**
 * For a private asymmetric key: whether its private and public parts belong together. Hydra
 * checks neither EC nor Ed25519 pairs (hydra-jwk-contract.md §5, §14 item 9), and a mismatched
 * pair signs tokens nobody can verify. Two checks: the public key derived from `d` must equal
 * the given one (EC, OKP), and a signature made with the private key must verify with a public
 * key built only from the public members. Returns a verb phrase, or null when the pair is sound
 * or the key is public or symmetric.
 */
export function keyPairProblem(jwk: Jwk): string | null {
  if (jwk.d === undefined || jwk.kty === "oct") return null;
  try {
    if (!derivedPublicMatches(jwk)) {
      return "has a private part (d) that does not belong to its public part";
    }
    const privateKey = createPrivateKey({ key: keyMembersOf(jwk) as JsonWebKey, format: "jwk" });
    const publicKey = createPublicKey({ key: publicMembersOf(jwk) as JsonWebKey, format: "jwk" });
    const digest = jwk.kty === "OKP" ? null : "sha256";
    const signature = sign(digest, PROBE, privateKey);
    if (!verify(digest, PROBE, publicKey, signature)) {
      return "failed a sign/verify probe: its private and public parts do not belong together";
    }
    return null;
  } catch {
    return "could not be loaded for a sign/verify probe of its private and public parts";
  }
}

function derivedPublicMatches(jwk: Jwk): boolean {
  if (jwk.kty === "EC") {
    const curve = ECDH_CURVES[jwk.crv ?? ""];
    if (curve === undefined || jwk.d === undefined) return false;
    const ecdh = createECDH(curve);
    ecdh.setPrivateKey(Buffer.from(jwk.d, "base64url"));
    const point = ecdh.getPublicKey();
    const expected = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x ?? "", "base64url"),
      Buffer.from(jwk.y ?? "", "base64url"),
    ]);
    return point.equals(expected);
  }
  if (jwk.kty === "OKP") {
    // node:crypto builds an Ed25519 private key from d alone and derives x itself.
    const derived = createPublicKey(
      createPrivateKey({ key: keyMembersOf(jwk) as JsonWebKey, format: "jwk" }),
    );
    return derived.export({ format: "jwk" }).x === jwk.x;
  }
  // RSA pairs are checked arithmetically in rules/rsa-consistency.ts and by the probe.
  return true;
}
