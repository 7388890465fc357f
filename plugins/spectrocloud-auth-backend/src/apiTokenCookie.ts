import { Response } from 'express';

/**
 * Name of the cookie that carries the Palette session token to the browser's own requests to
 * Backstage backend routes: `spectrocloud-api-token`.
 *
 * @remarks
 * Attributes: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Max-Age=3600` (seconds), and `Secure` when the
 * provider's callback URL is https. Set after a successful sign-in or refresh (only when the sign-in
 * resolver succeeded and Palette delivered a session token); cleared on logout.
 * @public
 */
export const SPECTROCLOUD_API_TOKEN_COOKIE = 'spectrocloud-api-token';

/** Lifetime of the cookie, in SECONDS. */
export const API_TOKEN_COOKIE_MAX_AGE_SECONDS = 3600;

function baseAttributes(secure: boolean) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure,
  };
}

/** Sets the cookie on `res` (before the response ends). */
export function setApiTokenCookie(
  res: Response,
  sessionToken: string,
  secure: boolean,
): void {
  res.cookie(SPECTROCLOUD_API_TOKEN_COOKIE, sessionToken, {
    ...baseAttributes(secure),
    maxAge: API_TOKEN_COOKIE_MAX_AGE_SECONDS * 1000,
  });
}

/** Clears the cookie on `res`, with the attributes it was set with. */
export function clearApiTokenCookie(res: Response, secure: boolean): void {
  res.clearCookie(SPECTROCLOUD_API_TOKEN_COOKIE, baseAttributes(secure));
}
