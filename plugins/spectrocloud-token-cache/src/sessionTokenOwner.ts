import { decodeJwt } from 'jose';

/**
 * Whether a Palette session token may be attributed to the user `email`: `false` only when the
 * token is a JWT whose (unverified) `email` claim names a different address (both compared trimmed
 * and lower-cased); `true` when it names the same one, has no `email` claim, or is not a JWT
 * (nothing to compare).
 *
 * @remarks
 * A fail-closed consistency check, never a grant: Palette holds the token's HMAC key, so the claim
 * is only decoded (jose `decodeJwt`). A `false` refuses the token; a `true` adds no trust to it. It
 * stops one user's Palette credentials from being stored, cookied and handed out under another
 * user's identity when a token response (or a caller of `storeSessionToken`) mixes users up.
 * @public
 */
export function sessionTokenBelongsTo(
  sessionToken: { token: string },
  email: string,
): boolean {
  let claim: unknown;
  try {
    claim = decodeJwt(sessionToken.token).email;
  } catch {
    return true;
  }
  return (
    typeof claim !== 'string' ||
    claim.trim().toLowerCase() === email.trim().toLowerCase()
  );
}
