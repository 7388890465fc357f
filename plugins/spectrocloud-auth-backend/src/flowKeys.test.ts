import { calculatePKCECodeChallenge } from 'oauth4webapi';
import {
  deriveFlowKeys,
  deriveOidcNonce,
  derivePkceVerifier,
} from './flowKeys';

describe('flow keys', () => {
  const keys = deriveFlowKeys('client-secret-1', 'client-1');

  it('derives a deterministic, RFC 7636 conformant verifier and a nonce per state', async () => {
    const verifier = derivePkceVerifier(keys, 'state-nonce-A');
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(
      derivePkceVerifier(
        deriveFlowKeys('client-secret-1', 'client-1'),
        'state-nonce-A',
      ),
    ).toBe(verifier);
    expect(derivePkceVerifier(keys, 'state-nonce-B')).not.toBe(verifier);
    await expect(calculatePKCECodeChallenge(verifier)).resolves.toMatch(
      /^[A-Za-z0-9_-]{43}$/,
    );

    const nonce = deriveOidcNonce(keys, 'state-nonce-A');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nonce).not.toBe(verifier);
    expect(deriveOidcNonce(keys, 'state-nonce-B')).not.toBe(nonce);
  });

  it('depends on the client secret and client id', () => {
    const verifier = derivePkceVerifier(keys, 'state-nonce-A');
    expect(
      derivePkceVerifier(
        deriveFlowKeys('client-secret-2', 'client-1'),
        'state-nonce-A',
      ),
    ).not.toBe(verifier);
    expect(
      derivePkceVerifier(
        deriveFlowKeys('client-secret-1', 'client-2'),
        'state-nonce-A',
      ),
    ).not.toBe(verifier);
    expect(Buffer.from(keys.sealKey).equals(keys.nonceKey)).toBe(false);
    expect(keys.sealKey).toHaveLength(32);
  });

  it('refuses an empty state nonce', () => {
    expect(() => derivePkceVerifier(keys, '')).toThrow(TypeError);
  });
});
