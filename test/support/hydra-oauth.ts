import { decodeProtectedHeader } from "jose";
import type { HydraProcess } from "../../scripts/hydra.mjs";

/**
 * Real OAuth 2.0 flows against a test's own Hydra, so that which key signs is read off a token
 * Hydra actually issued, not inferred from the admin API: client credentials for the access-token
 * set (with `STRATEGIES_ACCESS_TOKEN=jwt`), and the authorization-code flow, with login and
 * consent accepted through the admin API, for the id-token set.
 */

/** Hydra configuration these flows need; pass it to `startHydra({ env })`. */
export const OAUTH_HYDRA_ENV = {
  STRATEGIES_ACCESS_TOKEN: "jwt",
  // Never fetched: the flow reads the challenge off the redirect and accepts it over the admin API.
  URLS_LOGIN: "http://127.0.0.1:9/login",
  URLS_CONSENT: "http://127.0.0.1:9/consent",
} as const;

const REDIRECT_URI = "http://127.0.0.1:9/callback";

interface Client {
  readonly id: string;
  readonly secret: string;
}

async function createClient(hydra: HydraProcess, body: Record<string, unknown>): Promise<Client> {
  const res = await fetch(`${hydra.adminUrl}/admin/clients`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token_endpoint_auth_method: "client_secret_post", ...body }),
  });
  const json = (await res.json()) as { client_id?: string; client_secret?: string };
  if (res.status !== 201 || json.client_id === undefined || json.client_secret === undefined) {
    throw new Error(`Hydra answered ${res.status} to POST /admin/clients`);
  }
  return { id: json.client_id, secret: json.client_secret };
}

async function token(hydra: HydraProcess, form: Record<string, string>): Promise<Record<string, string>> {
  const res = await fetch(`${hydra.publicUrl}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  const json = (await res.json()) as Record<string, string>;
  if (res.status !== 200)
    throw new Error(`Hydra answered ${res.status} to the token request: ${JSON.stringify(json)}`);
  return json;
}

/** The `kid` in a JWT's protected header. */
export function kidOf(jwt: string): string {
  const { kid } = decodeProtectedHeader(jwt);
  if (kid === undefined) throw new Error("the token has no kid");
  return kid;
}

/** Issues client-credentials access tokens (JWTs, signed with `hydra.jwt.access-token`). */
export async function accessTokens(hydra: HydraProcess): Promise<() => Promise<string>> {
  const client = await createClient(hydra, { grant_types: ["client_credentials"] });
  return async () =>
    (
      await token(hydra, {
        grant_type: "client_credentials",
        client_id: client.id,
        client_secret: client.secret,
      })
    )["access_token"] ?? "";
}

/** Runs the authorization-code flow for scope `openid`; returns the id token Hydra issued. */
export async function idTokens(hydra: HydraProcess): Promise<() => Promise<string>> {
  const client = await createClient(hydra, {
    grant_types: ["authorization_code"],
    response_types: ["code"],
    redirect_uris: [REDIRECT_URI],
    scope: "openid",
  });
  return async () => {
    const cookies = new Map<string, string>();
    const get = async (url: string): Promise<string> => {
      const res = await fetch(url, {
        redirect: "manual",
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ""] = line.split(";");
        const eq = pair.indexOf("=");
        if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      const location = res.headers.get("location");
      if (res.status < 300 || res.status > 399 || location === null) {
        throw new Error(`expected a redirect from ${new URL(url).pathname}, got ${res.status}`);
      }
      return location;
    };
    const accept = async (kind: "login" | "consent", challenge: string, body: unknown): Promise<string> => {
      const res = await fetch(
        `${hydra.adminUrl}/admin/oauth2/auth/requests/${kind}/accept?${kind}_challenge=${encodeURIComponent(challenge)}`,
        { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
      );
      const json = (await res.json()) as { redirect_to?: string };
      if (res.status !== 200 || json.redirect_to === undefined)
        throw new Error(`accepting ${kind}: ${res.status}`);
      return json.redirect_to;
    };
    const param = (url: string, name: string): string => {
      const value = new URL(url).searchParams.get(name);
      if (value === null) throw new Error(`no ${name} in the redirect`);
      return value;
    };

    const auth = new URL(`${hydra.publicUrl}/oauth2/auth`);
    for (const [k, v] of Object.entries({
      client_id: client.id,
      response_type: "code",
      scope: "openid",
      redirect_uri: REDIRECT_URI,
      state: "keysync-state-0001",
    }))
      auth.searchParams.set(k, v);
    const toLogin = await get(auth.toString());
    const afterLogin = await accept("login", param(toLogin, "login_challenge"), {
      subject: "keysync-test-user",
    });
    const toConsent = await get(afterLogin);
    const afterConsent = await accept("consent", param(toConsent, "consent_challenge"), {
      grant_scope: ["openid"],
    });
    const toCallback = await get(afterConsent);
    const tokens = await token(hydra, {
      grant_type: "authorization_code",
      code: param(toCallback, "code"),
      redirect_uri: REDIRECT_URI,
      client_id: client.id,
      client_secret: client.secret,
    });
    return tokens["id_token"] ?? "";
  };
}
