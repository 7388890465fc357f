import { parseCookie } from 'cookie';
import { jwtDecode, type JwtHeader } from 'jwt-decode';

/**
 * Name of the cookie the auth backend sets after a successful sign-in
 * (HttpOnly, so normally unreadable from the page).
 */
export const SPECTROCLOUD_API_TOKEN_COOKIE = 'spectrocloud-api-token';

/**
 * True when `value` is a JWT whose header says `alg: RS256` (the OIDC ID
 * token). Only the header is decoded (jwt-decode); nothing is verified. A value
 * that is not a JWT gives false.
 */
export function isRs256Jwt(value: string): boolean {
  try {
    return jwtDecode<JwtHeader>(value, { header: true }).alg === 'RS256';
  } catch {
    return false;
  }
}

/**
 * Returns `value` when it can be handed out as a Palette session token:
 * non-empty and not an RS256-signed JWT; otherwise `undefined`.
 */
export function usableApiToken(value: string | undefined): string | undefined {
  if (!value || isRs256Jwt(value)) {
    return undefined;
  }
  return value;
}

/**
 * Reads the `spectrocloud-api-token` cookie from a `document.cookie` style
 * string (`name=value; name2=value2`), URI-decoded (the cookie library's
 * default decoder: `decodeURIComponent`, raw value when that fails).
 */
export function readApiTokenCookie(cookieHeader: string): string | undefined {
  if (!cookieHeader) {
    return undefined;
  }
  return parseCookie(cookieHeader)[SPECTROCLOUD_API_TOKEN_COOKIE] || undefined;
}
