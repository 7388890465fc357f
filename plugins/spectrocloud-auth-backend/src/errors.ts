import { AuthenticationError } from '@backstage/errors';
import { SpectroCloudConfigurationError } from './configurationError';
import { IdTokenSignatureError, IdTokenValidationError } from './idToken';
import { JwksFetchError } from './jwks';

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

const NETWORK_ERROR_CODE = /^E[A-Z_]{2,40}$/;

/**
 * Maps any failure of a SpectroCloud sign-in or refresh to an `AuthenticationError` whose message
 * is fixed text: never a token, authorization code, PKCE verifier, nonce value, client secret,
 * email or a response body. The original error is NOT attached as `cause` (Backstage would append
 * its message). Outbound failures (timeouts, bodies over the limit) arrive already mapped, naming
 * their endpoint.
 */
export function toAuthenticationError(error: unknown): AuthenticationError {
  if (error instanceof AuthenticationError) {
    return error;
  }
  if (
    error instanceof SpectroCloudConfigurationError ||
    error instanceof IdTokenValidationError ||
    error instanceof IdTokenSignatureError ||
    error instanceof JwksFetchError
  ) {
    return new AuthenticationError(error.message);
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODE.test(code)) {
    return new AuthenticationError(`Palette could not be reached (${code})`);
  }
  return new AuthenticationError('SpectroCloud sign-in failed');
}
