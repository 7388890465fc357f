import { OAuthAuthenticatorResult } from '@backstage/plugin-auth-node';
import type { SessionRecord } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { SpectroCloudProfile } from './profile';

/** Current time in epoch seconds. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * What the authenticator returns: Backstage's result plus the session record it is about, for
 * the provider factory (binds the user after the sign-in resolver, sets the API token cookie).
 */
export interface SpectroCloudAuthenticatorResult
  extends OAuthAuthenticatorResult<SpectroCloudProfile> {
  sessionRecord: SessionRecord;
}

/**
 * Seconds until the first of the ID token's `exp`, the Palette session token's `exp` and the
 * session's absolute end: what the frontend may rely on before it must refresh.
 */
export function sessionExpiresInSeconds(record: SessionRecord): number {
  const ends = [record.idTokenExpiresAt, record.expiresAt];
  if (record.sessionToken) {
    ends.push(record.sessionToken.expiresAt);
  }
  return Math.max(0, Math.min(...ends) - nowInSeconds());
}

/**
 * Builds what the authenticator gives Backstage: `accessToken` = the Palette session token (or
 * `''` when there is none), `idToken` = the RS256 ID token, `expiresInSeconds` =
 * {@link sessionExpiresInSeconds}, and `refreshToken` = the sealed session id (unchanged on
 * refresh, so Backstage keeps its refresh cookie and that cookie's Max-Age).
 */
export function buildAuthenticatorResult(options: {
  profile: SpectroCloudProfile;
  record: SessionRecord;
  sealed: string;
}): SpectroCloudAuthenticatorResult {
  const { profile, record, sealed } = options;
  return {
    fullProfile: profile,
    session: {
      accessToken: record.sessionToken?.token ?? '',
      tokenType: 'Bearer',
      idToken: record.idToken,
      scope: record.scope,
      expiresInSeconds: sessionExpiresInSeconds(record),
      refreshToken: sealed,
      refreshTokenExpiresInSeconds: Math.max(
        0,
        record.expiresAt - nowInSeconds(),
      ),
    },
    sessionRecord: record,
  };
}
