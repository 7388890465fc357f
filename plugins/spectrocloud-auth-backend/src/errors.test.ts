import { AuthenticationError } from '@backstage/errors';
import { errors } from 'openid-client';
import { SpectroCloudConfigurationError } from './configurationError';
import { safeOAuthCode, toAuthenticationError } from './errors';
import { IdTokenSignatureError, IdTokenValidationError } from './idToken';
import { JwksFetchError } from './jwks';

describe('toAuthenticationError', () => {
  it('never passes openid-client messages through', () => {
    const cases: Array<[Error, string]> = [
      [
        new errors.RPError(
          'nonce mismatch, expected %s, got: %s',
          'NONCE-A',
          'NONCE-B',
        ),
        'ID token validation failed: the Palette response could not be validated',
      ],
      [
        new errors.RPError('something new with SECRET-X'),
        'ID token validation failed: the Palette response could not be validated',
      ],
      [
        new errors.RPError('outgoing request timed out after 3500ms'),
        'Palette did not answer within 1234 ms',
      ],
      [
        new errors.OPError(
          { error: 'invalid_client', error_description: 'SECRET-X' },
          {} as any,
        ),
        'Palette token endpoint rejected the request: invalid_client',
      ],
      [
        new errors.OPError({ error: 'bad error with SECRET-X' }, {} as any),
        'Palette token endpoint rejected the request: unrecognised error',
      ],
      [
        Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
          code: 'ECONNREFUSED',
        }),
        'Palette could not be reached (ECONNREFUSED)',
      ],
      [new Error('anything SECRET-X'), 'SpectroCloud sign-in failed'],
    ];
    for (const [input, message] of cases) {
      const mapped = toAuthenticationError(input, 1234);
      expect(mapped).toBeInstanceOf(AuthenticationError);
      expect(mapped.message).toBe(message);
      expect(mapped.cause).toBeUndefined();
    }
  });

  it('keeps its own authentication errors', () => {
    const own = new AuthenticationError(
      'The Palette ID token has no email claim',
    );
    expect(toAuthenticationError(own, 1)).toBe(own);
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
      const mapped = toAuthenticationError(input, 1000);
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
