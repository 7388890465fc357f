import { jwtDecode } from 'jwt-decode';

/** A Palette session token with its expiry, as read (not verified) from the token itself. */
export interface PaletteSessionToken {
  /** The HS256 JWT, sent to the Palette REST API as `Authorization: <token>`. */
  token: string;
  /** Its `exp` claim, in epoch SECONDS. */
  expiresAt: number;
}

/**
 * Reads a candidate Palette session token: an HS256 JWT with a numeric `exp`. Only DECODES it
 * (Palette holds the HMAC key): the result is never used for a security decision, only to find
 * the token and its expiry.
 *
 * @returns `undefined` when `candidate` is not such a JWT
 */
export function readPaletteSessionToken(
  candidate: unknown,
): PaletteSessionToken | undefined {
  if (typeof candidate !== 'string' || candidate.split('.').length !== 3) {
    return undefined;
  }
  try {
    const header = jwtDecode<{ alg?: unknown }>(candidate, { header: true });
    if (header.alg !== 'HS256') {
      return undefined;
    }
    const { exp } = jwtDecode<{ exp?: unknown }>(candidate);
    if (typeof exp !== 'number' || !Number.isFinite(exp)) {
      return undefined;
    }
    return { token: candidate, expiresAt: exp };
  } catch {
    return undefined;
  }
}

/**
 * Finds the Palette session token in a token response: the `refresh_token` when it is an HS256
 * JWT, else the authorization `code` when that is an HS256 JWT (older Palette versions), else
 * `undefined`.
 */
export function findPaletteSessionToken(sources: {
  refreshToken?: unknown;
  code?: unknown;
}): PaletteSessionToken | undefined {
  return (
    readPaletteSessionToken(sources.refreshToken) ??
    readPaletteSessionToken(sources.code)
  );
}

/**
 * Whether a Palette session token may be attributed to the user of the VERIFIED ID token: `false`
 * only when the token's (unverified) `email` claim names a different address (compared trimmed and
 * lower-cased); `true` when it names the same one or has no `email` claim (nothing to compare).
 *
 * @remarks
 * A fail-closed consistency check, never a grant: a `false` makes the sign-in fail, a `true` adds
 * no trust to the token. It stops one user's Palette credentials from being cached, cookied and
 * handed to the browser under another user's identity when a token response mixes users up.
 *
 * @param verifiedEmail - the email of the verified ID token, already lower-cased
 */
export function sessionTokenBelongsTo(
  sessionToken: PaletteSessionToken,
  verifiedEmail: string,
): boolean {
  let email: unknown;
  try {
    ({ email } = jwtDecode<{ email?: unknown }>(sessionToken.token));
  } catch {
    return false;
  }
  if (typeof email !== 'string') {
    return true;
  }
  return email.trim().toLowerCase() === verifiedEmail;
}
