import { OAuthAuthenticatorResult } from '@backstage/plugin-auth-node';
import { SpectroCloudProfile } from './profile';
import { sealSession } from './sealedSession';
import { PaletteSessionToken } from './sessionToken';

/** Current time in epoch seconds. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Builds what the authenticator gives Backstage: `accessToken` = the Palette session token (or
 * `''` when there is none), `idToken` = the RS256 ID token, `expiresInSeconds` = seconds until the
 * session token's `exp` (the ID token's `exp` when there is no session token), and `refreshToken`
 * = the sealed `{ idToken, sessionToken }` blob expiring at the same time.
 *
 * @param sealed - an existing sealed refresh token to hand back unchanged (refresh without renewal)
 */
export async function buildAuthenticatorResult(options: {
  profile: SpectroCloudProfile;
  idToken: string;
  sessionToken?: PaletteSessionToken;
  scope: string;
  sealKey: Uint8Array;
  sealed?: string;
}): Promise<OAuthAuthenticatorResult<SpectroCloudProfile>> {
  const { profile, idToken, sessionToken, scope } = options;
  const idTokenExp = profile.claims.exp;
  const expiresAt =
    sessionToken?.expiresAt ??
    (typeof idTokenExp === 'number' ? idTokenExp : nowInSeconds());
  const expiresInSeconds = Math.max(0, expiresAt - nowInSeconds());
  const refreshToken =
    options.sealed ??
    (await sealSession(
      { idToken, sessionToken: sessionToken?.token },
      options.sealKey,
      expiresAt,
    ));
  return {
    fullProfile: profile,
    session: {
      accessToken: sessionToken?.token ?? '',
      tokenType: 'Bearer',
      idToken,
      scope,
      expiresInSeconds,
      refreshToken,
      refreshTokenExpiresInSeconds: expiresInSeconds,
    },
  };
}
