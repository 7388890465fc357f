import { AuthenticationError } from '@backstage/errors';
import { SpectroCloudConfigurationError } from './configurationError';
import { safeOAuthCode, toAuthenticationError } from './errors';
import { IdTokenSignatureError, IdTokenValidationError } from './idToken';
import { JwksFetchError } from './jwks';

describe('toAuthenticationError', () => {
  it('never passes foreign messages through', () => {
    const cases: Array<[Error, string]> = [
      [
        Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
          code: 'ECONNREFUSED',
        }),
        'Palette could not be reached (ECONNREFUSED)',
      ],
      [new Error('anything SECRET-X'), 'SpectroCloud sign-in failed'],
    ];
    for (const [input, message] of cases) {
      const mapped = toAuthenticationError(input);
      expect(mapped).toBeInstanceOf(AuthenticationError);
      expect(mapped.message).toBe(message);
      expect(mapped.cause).toBeUndefined();
    }
  });

  it('keeps its own authentication errors', () => {
    const own = new AuthenticationError(
      'The Palette ID token has no email claim',
    );
    expect(toAuthenticationError(own)).toBe(own);
  });

  it('passes the fixed messages of ID token, JWKS and configuration errors on, without cause', () => {
    const cases: Array<[Error, string]> = [
      [
        new IdTokenValidationError('nonce mismatch'),
        'ID token validation failed: nonce mismatch',
      ],
      [
        new IdTokenSignatureError('no matching key in the Palette JWKS'),
        'ID token signature verification failed: no matching key in the Palette JWKS',
      ],
      [
        new JwksFetchError('Palette JWKS endpoint answered with HTTP 503'),
        'Palette JWKS endpoint answered with HTTP 503',
      ],
      [
        new SpectroCloudConfigurationError(
          "SpectroCloud auth provider: 'discovery' is 'required'",
        ),
        "SpectroCloud auth provider: 'discovery' is 'required'",
      ],
    ];
    for (const [input, message] of cases) {
      const mapped = toAuthenticationError(input);
      expect(mapped).toBeInstanceOf(AuthenticationError);
      expect(mapped.message).toBe(message);
      expect(mapped.cause).toBeUndefined();
    }
  });

  it('names only well-formed OAuth error codes', () => {
    expect(safeOAuthCode('invalid_grant')).toBe('invalid_grant');
    expect(safeOAuthCode('<b>x</b>')).toBe('unrecognised error');
    expect(safeOAuthCode('bad code abc123')).toBe('unrecognised error');
    expect(safeOAuthCode(42)).toBe('unrecognised error');
  });
});
