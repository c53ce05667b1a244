import { createHash, randomBytes } from "node:crypto";

interface AccessToken {
  expiresAt: number;
  refreshToken: string;
}

interface AuthorizationCode {
  appKey: string;
  codeChallenge: string | undefined;
  /** token_access_type=offline: only then does redeeming the code give a refresh token. */
  offline: boolean;
  expiresAt: number;
}

/** Apps, refresh tokens, short-lived access tokens and PKCE authorization codes of one account. */
export class TokenRegistry {
  /** appKey -> appSecret (undefined for a PKCE-only app). */
  readonly apps = new Map<string, string | undefined>();
  /** refreshToken -> appKey, for tokens not revoked. */
  private readonly refreshTokens = new Map<string, string>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly codes = new Map<string, AuthorizationCode>();
  /** How long an access token lives, in seconds; the real service says 14400. */
  accessTokenTtl = 14400;
  /** Tokens are refused this many seconds earlier than they claim, as when a clock is off. */
  expireEarlyBy = 0;

  addApp(appKey: string, appSecret?: string): void {
    this.apps.set(appKey, appSecret);
  }

  issueRefreshToken(appKey: string): string {
    const token = `emu-refresh-${randomBytes(24).toString("base64url")}`;
    this.refreshTokens.set(token, appKey);
    return token;
  }

  revokeRefreshToken(token: string): void {
    this.refreshTokens.delete(token);
    for (const [access, info] of this.accessTokens) {
      if (info.refreshToken === token) this.accessTokens.delete(access);
    }
  }

  /** Marks every access token issued so far as expired; refresh tokens stay valid. */
  expireAccessTokens(): void {
    for (const info of this.accessTokens.values()) info.expiresAt = 0;
  }

  appForRefreshToken(token: string): string | undefined {
    return this.refreshTokens.get(token);
  }

  issueAccessToken(refreshToken: string): { token: string; expiresIn: number } {
    const token = `emu-access-${randomBytes(24).toString("base64url")}`;
    this.accessTokens.set(token, {
      refreshToken,
      expiresAt: Date.now() + (this.accessTokenTtl - this.expireEarlyBy) * 1000,
    });
    return { token, expiresIn: this.accessTokenTtl };
  }

  /** "valid", "expired" or "invalid" for the bearer token of a request. */
  checkAccessToken(token: string | undefined): "valid" | "expired" | "invalid" {
    const info = token === undefined ? undefined : this.accessTokens.get(token);
    if (!info || !this.refreshTokens.has(info.refreshToken)) return "invalid";
    return Date.now() >= info.expiresAt ? "expired" : "valid";
  }

  /** What the authorize page does when the person clicks Allow. */
  issueCode(appKey: string, codeChallenge: string | undefined, offline: boolean): string {
    const code = `emu-code-${randomBytes(16).toString("base64url")}`;
    this.codes.set(code, { appKey, codeChallenge, offline, expiresAt: Date.now() + 10 * 60_000 });
    return code;
  }

  /** Redeems a code once; checks the PKCE verifier (S256) or the app secret. */
  redeemCode(
    code: string,
    appKey: string,
    proof: { codeVerifier?: string; appSecret?: string },
  ): "ok" | "online" | "invalid_grant" | "invalid_client" {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.appKey !== appKey || grant.expiresAt < Date.now()) return "invalid_grant";
    if (grant.codeChallenge !== undefined) {
      if (proof.codeVerifier === undefined) return "invalid_grant";
      const challenge = createHash("sha256").update(proof.codeVerifier).digest("base64url");
      if (challenge !== grant.codeChallenge) return "invalid_grant";
    } else if (proof.appSecret === undefined || proof.appSecret !== this.apps.get(appKey)) {
      return "invalid_client";
    }
    return grant.offline ? "ok" : "online";
  }
}
