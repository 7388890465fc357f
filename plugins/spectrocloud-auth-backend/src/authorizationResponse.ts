import { AuthenticationError } from '@backstage/errors';
import { safeOAuthCode } from './errors';

/** What the authorization response is checked against. */
export interface AuthorizationResponseExpectations {
  /** The `state` of the callback URL's query: the one Backstage checked against its nonce cookie. */
  queryState: unknown;
  /** The provider's issuer, compared exactly with an `iss` parameter (RFC 9207). */
  issuer: string;
  /** The provider announces `authorization_response_iss_parameter_supported`: `iss` is required. */
  issParameterRequired: boolean;
}

/**
 * Checks the parameters of an authorization response (code flow) BEFORE any token request, in the
 * usual order of OpenID Connect clients: `state` present and equal to the query's (a POST body must
 * not choose another flow's PKCE verifier and nonce); `iss` (RFC 9207) equal to the issuer when
 * present, required when the provider announces it; an `error` parameter; a `code`.
 *
 * @returns the authorization code and the state
 * @throws AuthenticationError with a fixed message (the error code only when it is well-formed;
 *   `access_denied`, the user's Cancel, as "Sign-in was cancelled")
 */
export function readAuthorizationResponse(
  params: Record<string, unknown>,
  expected: AuthorizationResponseExpectations,
): { code: string; state: string } {
  const { state } = params;
  if (typeof state !== 'string' || !state) {
    throw new AuthenticationError('The authorization response has no state');
  }
  if (state !== expected.queryState) {
    throw new AuthenticationError(
      'Authorization response validation failed: state mismatch',
    );
  }
  if (params.iss !== undefined) {
    if (params.iss !== expected.issuer) {
      throw new AuthenticationError(
        'Authorization response validation failed: issuer mismatch',
      );
    }
  } else if (expected.issParameterRequired) {
    throw new AuthenticationError(
      'Authorization response validation failed: no iss parameter',
    );
  }
  if (params.error === 'access_denied') {
    // the user pressed Cancel on the Palette login page (RFC 6749 4.1.2.1): shown as it is
    throw new AuthenticationError('Sign-in was cancelled');
  }
  if (params.error !== undefined) {
    throw new AuthenticationError(
      `Palette returned an authorization error: ${safeOAuthCode(params.error)}`,
    );
  }
  if (typeof params.code !== 'string' || !params.code) {
    throw new AuthenticationError(
      'The authorization response has no authorization code',
    );
  }
  return { code: params.code, state };
}
