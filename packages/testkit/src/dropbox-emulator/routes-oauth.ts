import { randomBytes } from "node:crypto";
import { ApiError } from "./api-error.js";
import { json, type RouteDefinition } from "./context.js";

/** OAuth errors are RFC 6749 shapes with HTTP 400, not the API's envelope. */
function oauthError(error: string, description: string): ApiError {
  return new ApiError(400, error, { error, error_description: description });
}

const token: RouteDefinition = {
  style: "oauth",
  async handle(call) {
    const p = call.params;
    const tokens = call.state.tokens;
    const appKey = p.get("client_id") ?? "";
    if (!tokens.apps.has(appKey)) throw oauthError("invalid_client", "Invalid client_id or client_secret");
    const secret = p.get("client_secret");
    if (secret !== null && secret !== tokens.apps.get(appKey)) {
      throw oauthError("invalid_client", "Invalid client_id or client_secret");
    }
    const grant = p.get("grant_type");
    if (grant === "refresh_token") {
      const refreshToken = p.get("refresh_token") ?? "";
      if (tokens.appForRefreshToken(refreshToken) !== appKey) {
        throw oauthError("invalid_grant", "refresh token is invalid or revoked");
      }
      const access = tokens.issueAccessToken(refreshToken);
      return json({ access_token: access.token, token_type: "bearer", expires_in: access.expiresIn });
    }
    if (grant === "authorization_code") {
      const outcome = tokens.redeemCode(p.get("code") ?? "", appKey, {
        codeVerifier: p.get("code_verifier") ?? undefined,
        appSecret: secret ?? undefined,
      });
      if (outcome === "invalid_client")
        throw oauthError("invalid_client", "Invalid client_id or client_secret");
      if (outcome !== "ok" && outcome !== "online") {
        throw oauthError("invalid_grant", "code doesn't exist or has expired");
      }
      const refreshToken = tokens.issueRefreshToken(appKey);
      const access = tokens.issueAccessToken(refreshToken);
      return json({
        access_token: access.token,
        token_type: "bearer",
        expires_in: access.expiresIn,
        // Without token_access_type=offline there is no refresh token, as on the real service.
        ...(outcome === "ok" ? { refresh_token: refreshToken } : {}),
        scope: "files.content.read files.content.write files.metadata.read account_info.read",
        uid: "1",
        account_id: `dbid:${randomBytes(8).toString("hex")}`,
      });
    }
    throw oauthError("unsupported_grant_type", `grant_type "${grant ?? ""}" is not supported`);
  },
};

/**
 * The page a person sees after clicking Allow, when the app has no redirect URI: Dropbox
 * shows the authorization code to paste back. The emulator approves at once.
 */
const authorize: RouteDefinition = {
  style: "oauth",
  async handle(call) {
    const p = call.params;
    const appKey = p.get("client_id") ?? "";
    if (!call.state.tokens.apps.has(appKey) || p.get("response_type") !== "code") {
      return { kind: "html", body: "<p>Invalid client_id or response_type.</p>" };
    }
    const method = p.get("code_challenge_method");
    const challenge = p.get("code_challenge") ?? undefined;
    if (challenge !== undefined && method !== "S256") {
      return { kind: "html", body: "<p>code_challenge_method must be S256.</p>" };
    }
    const code = call.state.tokens.issueCode(appKey, challenge, p.get("token_access_type") === "offline");
    return { kind: "html", body: `<p>Enter this code into your app:</p><input id="code" value="${code}">` };
  },
};

export const oauthRoutes: Record<string, RouteDefinition> = {
  "oauth2/token": token,
  "oauth2/authorize": authorize,
};
