import { AuthenticationError } from '@backstage/errors';
import { errors as oidcErrors } from 'openid-client';
import { SpectroCloudConfigurationError } from './configurationError';
import { PaletteTimeoutError } from './deadline';
import { IdTokenSignatureError, IdTokenValidationError } from './idToken';
import { JwksFetchError } from './jwks';

/** Endpoints used to name the endpoint that failed. */
export interface ErrorContextEndpoints {
  tokenEndpoint: string;
  jwksUri: string;
}

/** An OAuth error code as RFC 6749 §5.2 allows it; anything else is not echoed. */
const SAFE_ERROR_CODE = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/;
const SAFE_CODE_WORD = /^[A-Za-z0-9_.-]{1,64}$/;

/** `code` when it is a well-formed OAuth error code (RFC 6749 §5.2), else `unrecognised error`. */
export function safeOAuthCode(code: unknown): string {
  return typeof code === 'string' &&
    SAFE_ERROR_CODE.test(code) &&
    SAFE_CODE_WORD.test(code)
    ? code
    : 'unrecognised error';
}

function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** Names the Palette endpoint whose HTTP response caused `error`, from the request it answered. */
function endpointName(
  error: unknown,
  endpoints?: ErrorContextEndpoints,
): string {
  const req = (error as { response?: { req?: { path?: unknown } } })?.response
    ?.req;
  const path =
    typeof req?.path === 'string' ? req.path.split('?')[0] : undefined;
  if (endpoints && path) {
    if (path === pathOf(endpoints.jwksUri)) {
      return 'Palette JWKS endpoint';
    }
    if (path === pathOf(endpoints.tokenEndpoint)) {
      return 'Palette token endpoint';
    }
  }
  return 'Palette token endpoint';
}

/** Fixed messages for openid-client RPError messages; the originals may contain values. */
const RP_ERROR_MESSAGES: Array<[RegExp, string]> = [
  [/^nonce mismatch/, 'ID token validation failed: nonce mismatch'],
  [
    /^state mismatch/,
    'Authorization response validation failed: state mismatch',
  ],
  [/^state missing/, 'Authorization response validation failed: no state'],
  [
    /^iss (mismatch|missing)/,
    'Authorization response validation failed: issuer mismatch',
  ],
  [/^unexpected iss value/, 'ID token validation failed: issuer mismatch'],
  [
    /^aud (mismatch|is missing)/,
    'ID token validation failed: audience mismatch',
  ],
  [
    /^(azp mismatch|missing required JWT property azp)/,
    'ID token validation failed: authorized party (azp) mismatch',
  ],
  [/^JWT expired/, 'ID token validation failed: the ID token has expired'],
  [
    /^JWT not active yet/,
    'ID token validation failed: the ID token is not valid yet',
  ],
  [
    /^failed to validate JWT signature/,
    'ID token signature verification failed',
  ],
  [
    /^no valid key found in issuer's jwks_uri/,
    'ID token signature verification failed: no matching key in the Palette JWKS',
  ],
  [
    /^multiple matching keys found/,
    'ID token signature verification failed: several keys in the Palette JWKS match and the ID token names no kid',
  ],
  [
    /^unexpected JWT alg received/,
    'ID token validation failed: the ID token is not signed with an allowed algorithm',
  ],
  [/^failed to decode JWT/, 'ID token validation failed: malformed ID token'],
  [
    /^missing required JWT property (iss|sub|aud|exp|iat|auth_time)$/,
    'ID token validation failed: missing $1 claim',
  ],
  [
    /^JWT (iat|nbf|exp|auth_time) claim must be a JSON numeric value/,
    'ID token validation failed: malformed $1 claim',
  ],
  [
    /^(missing required property (at_hash|c_hash|s_hash)|(at_hash|c_hash|s_hash) mismatch)/,
    'ID token validation failed: token hash mismatch',
  ],
  [
    /^code missing from response/,
    'The authorization response has no authorization code',
  ],
];

function mapRpError(
  error: oidcErrors.RPError,
  timeoutMs: number,
): AuthenticationError {
  const message = String(error.message);
  if (/^outgoing request timed out/.test(message)) {
    return new AuthenticationError(
      `Palette did not answer within ${timeoutMs} ms`,
    );
  }
  for (const [pattern, fixed] of RP_ERROR_MESSAGES) {
    const match = pattern.exec(message);
    if (match) {
      return new AuthenticationError(
        fixed.replace(/\$(\d)/g, (_, i) => match[Number(i)] ?? ''),
      );
    }
  }
  return new AuthenticationError(
    'ID token validation failed: the Palette response could not be validated',
  );
}

function mapOpError(
  error: oidcErrors.OPError,
  endpoints?: ErrorContextEndpoints,
): AuthenticationError {
  const response = error.response;
  if (!response) {
    // An error in the authorization response itself (e.g. the user declined).
    return new AuthenticationError(
      `Palette returned an authorization error: ${safeOAuthCode(error.error)}`,
    );
  }
  const name = endpointName(error, endpoints);
  if (typeof error.error === 'string' && /^expected \d+ /.test(error.error)) {
    // openid-client's own message for a non-standard error response; name the status only.
    return new AuthenticationError(
      `${name} answered with HTTP ${response.statusCode}`,
    );
  }
  return new AuthenticationError(
    `${name} rejected the request: ${safeOAuthCode(error.error)}`,
  );
}

const NETWORK_ERROR_CODE = /^E[A-Z_]{2,40}$/;

/**
 * Maps any failure of a SpectroCloud sign-in or refresh to an `AuthenticationError` whose message
 * is fixed text: never a token, authorization code, PKCE verifier, nonce value, client secret,
 * email or a response body. The original error is NOT attached as `cause` (Backstage would append
 * its message).
 *
 * @param timeoutMs - the configured outbound timeout, in milliseconds, named on timeouts
 */
export function toAuthenticationError(
  error: unknown,
  timeoutMs: number,
  endpoints?: ErrorContextEndpoints,
): AuthenticationError {
  if (error instanceof AuthenticationError) {
    return error;
  }
  if (
    error instanceof PaletteTimeoutError ||
    error instanceof SpectroCloudConfigurationError ||
    error instanceof IdTokenValidationError ||
    error instanceof IdTokenSignatureError ||
    error instanceof JwksFetchError
  ) {
    return new AuthenticationError(error.message);
  }
  if (error instanceof oidcErrors.RPError) {
    return mapRpError(error, timeoutMs);
  }
  if (error instanceof oidcErrors.OPError) {
    return mapOpError(error, endpoints);
  }
  if (error instanceof SyntaxError && 'response' in error) {
    return new AuthenticationError(
      `${endpointName(error, endpoints)} returned a non-JSON response`,
    );
  }
  if (
    error instanceof TypeError &&
    /id_token not present/.test(error.message)
  ) {
    return new AuthenticationError(
      'Palette token endpoint returned no ID token',
    );
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODE.test(code)) {
    return new AuthenticationError(`Palette could not be reached (${code})`);
  }
  return new AuthenticationError('SpectroCloud sign-in failed');
}
