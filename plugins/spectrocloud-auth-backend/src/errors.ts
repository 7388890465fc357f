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

/**
 * An openid-client RPError. Only `client.grant` is used (no `callback`: the authorization
 * response and the ID token are checked by this package), so the only RPError it raises is its
 * own request timeout; anything else gets a fixed message (the originals may contain values).
 */
function mapRpError(
  error: oidcErrors.RPError,
  timeoutMs: number,
): AuthenticationError {
  if (/^outgoing request timed out/.test(String(error.message))) {
    return new AuthenticationError(
      `Palette did not answer within ${timeoutMs} ms`,
    );
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
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODE.test(code)) {
    return new AuthenticationError(`Palette could not be reached (${code})`);
  }
  return new AuthenticationError('SpectroCloud sign-in failed');
}
