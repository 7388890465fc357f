import { AuthenticationError } from '@backstage/errors';
import { ProfileInfo } from '@backstage/plugin-auth-node';

/**
 * The full profile of a SpectroCloud sign-in: taken from the claims of the VERIFIED RS256 ID token
 * (claims checked by oauth4webapi, signature by `verifyIdToken` at sign-in).
 *
 * @public
 */
export interface SpectroCloudProfile {
  /** The `sub` claim: the user's id at Palette. */
  sub: string;
  /** The email claim (`email`, or the configured `emailClaim`), trimmed and lower-cased. */
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

/** A plain `local@domain.tld` address (no spaces, one `@`, a dotted DNS domain). */
const EMAIL_ADDRESS =
  /^[^\s@]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Where the email address comes from (see `idTokenSettings`). */
export interface ProfileClaimOptions {
  /** The claim holding the email address; default `email`. */
  emailClaim?: string;
  /** Accept `email_verified: false`; default `false`. */
  allowUnverifiedEmail?: boolean;
}

/**
 * Builds a {@link SpectroCloudProfile} from VERIFIED ID token claims. The email is read from
 * `options.emailClaim` (default `email`), must look like an email address, and is trimmed and
 * lower-cased.
 *
 * @throws AuthenticationError naming the claim when the email claim is missing or not an email
 *   address; when `email_verified` is `false` (boolean or string) unless
 *   `options.allowUnverifiedEmail` (an unverified email must not select a catalog user); when
 *   `sub` is missing
 */
export function profileFromClaims(
  claims: Readonly<Record<string, unknown>>,
  options: ProfileClaimOptions = {},
): SpectroCloudProfile {
  const emailClaim = options.emailClaim ?? 'email';
  const email = text(claims[emailClaim])?.toLowerCase();
  if (!email) {
    throw new AuthenticationError(
      `The Palette ID token has no ${emailClaim} claim`,
    );
  }
  if (!EMAIL_ADDRESS.test(email)) {
    throw new AuthenticationError(
      `The Palette ID token's ${emailClaim} claim is not an email address`,
    );
  }
  const verified = claims.email_verified;
  if (
    (verified === false || verified === 'false') &&
    !options.allowUnverifiedEmail
  ) {
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
