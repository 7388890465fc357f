import { Response } from 'express';

/**
 * Name of the cookie that carries the Palette session token to the browser's own requests to
 * Backstage backend routes: `spectrocloud-api-token`.
 *
 * @remarks
 * Attributes: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Max-Age` = the session token's remaining
 * lifetime (seconds), and `Secure` when the provider's callback URL is https. Set after a
 * successful sign-in, and by a successful refresh whose request does not already carry the same
 * token (so: re-set with a renewed token, restored when the browser lost it); only when the
 * sign-in resolver succeeded and Palette delivered a session token. Cleared on logout and on a
 * failed refresh.
 * @public
 */
export const SPECTROCLOUD_API_TOKEN_COOKIE = 'spectrocloud-api-token';

function baseAttributes(secure: boolean) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure,
  };
}

/**
 * Sets the cookie on `res` (before the response ends).
 * @param maxAgeSeconds - the session token's remaining lifetime, in SECONDS
 */
export function setApiTokenCookie(
  res: Response,
  sessionToken: string,
  secure: boolean,
  maxAgeSeconds: number,
): void {
  res.cookie(SPECTROCLOUD_API_TOKEN_COOKIE, sessionToken, {
    ...baseAttributes(secure),
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)) * 1000,
  });
}

/** Clears the cookie on `res`, with the attributes it was set with. */
export function clearApiTokenCookie(res: Response, secure: boolean): void {
  res.clearCookie(SPECTROCLOUD_API_TOKEN_COOKIE, baseAttributes(secure));
}
