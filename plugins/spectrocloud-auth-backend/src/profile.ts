import { AuthenticationError } from '@backstage/errors';
import { ProfileInfo } from '@backstage/plugin-auth-node';

/**
 * The full profile of a SpectroCloud sign-in: taken from the claims of the VERIFIED RS256 ID token
 * (signature, issuer, audience, expiry and nonce checked by openid-client at sign-in).
 *
 * @public
 */
export interface SpectroCloudProfile {
  /** The `sub` claim: the user's id at Palette. */
  sub: string;
  /** The `email` claim, trimmed and lower-cased. */
  email: string;
  /** `given_name` + `family_name`, else `name`; absent when Palette sends neither. */
  displayName?: string;
  /** The `picture` claim, when present. */
  picture?: string;
  /** All ID token claims (iss, aud, exp and iat in epoch seconds, ...). */
  claims: Readonly<Record<string, unknown>>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * Builds a {@link SpectroCloudProfile} from ID token claims.
 *
 * @throws AuthenticationError when there is no `email` claim, or when `email_verified` is
 *   explicitly `false` (an unverified email must not select a catalog user)
 */
export function profileFromClaims(
  claims: Readonly<Record<string, unknown>>,
): SpectroCloudProfile {
  const email = text(claims.email)?.toLowerCase();
  if (!email) {
    throw new AuthenticationError('The Palette ID token has no email claim');
  }
  if (claims.email_verified === false) {
    throw new AuthenticationError(
      'The Palette ID token says the email address is not verified',
    );
  }
  const sub = text(claims.sub);
  if (!sub) {
    throw new AuthenticationError('The Palette ID token has no sub claim');
  }
  const fullName = [text(claims.given_name), text(claims.family_name)]
    .filter(Boolean)
    .join(' ');
  const displayName = fullName || text(claims.name);
  const picture = text(claims.picture);
  return {
    sub,
    email,
    ...(displayName ? { displayName } : {}),
    ...(picture ? { picture } : {}),
    claims,
  };
}

/** The Backstage {@link ProfileInfo} of a {@link SpectroCloudProfile}. */
export function toProfileInfo(profile: SpectroCloudProfile): ProfileInfo {
  return {
    email: profile.email,
    ...(profile.displayName ? { displayName: profile.displayName } : {}),
    ...(profile.picture ? { picture: profile.picture } : {}),
  };
}
