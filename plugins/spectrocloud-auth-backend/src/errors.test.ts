import { AuthenticationError } from '@backstage/errors';
import { errors } from 'openid-client';
import { toAuthenticationError } from './errors';

describe('toAuthenticationError', () => {
  it('never passes openid-client messages through', () => {
    const cases: Array<[Error, string]> = [
      [
        new errors.RPError(
          'nonce mismatch, expected %s, got: %s',
          'NONCE-A',
          'NONCE-B',
        ),
        'ID token validation failed: nonce mismatch',
      ],
      [
        new errors.RPError(
          'state mismatch, expected %s, got: %s',
          'STATE-A',
          'STATE-B',
        ),
        'Authorization response validation failed: state mismatch',
      ],
      [
        new errors.RPError('missing required JWT property exp'),
        'ID token validation failed: missing exp claim',
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
});
