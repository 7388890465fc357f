import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { readTokenCacheSettings } from './config';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const H = randomBytes(32);

function read(tokenCache: object) {
  return readTokenCacheSettings(
    new ConfigReader({ spectrocloud: { tokenCache } }),
  );
}

describe('readTokenCacheSettings', () => {
  it('leaves the shared tier and the legacy global map off by default', () => {
    expect(readTokenCacheSettings(new ConfigReader({}))).toEqual({
      legacyGlobalMap: false,
    });
    expect(read({ maxEntries: 5, sweepIntervalSeconds: 2 })).toEqual({
      maxEntries: 5,
      sweepIntervalMs: 2000,
      legacyGlobalMap: false,
      shared: undefined,
    });
    expect(read({ legacyGlobalMap: true }).legacyGlobalMap).toBe(true);
  });

  it('decodes base64 and base64url keys, with defaults for the rest', () => {
    const settings = read({
      shared: true,
      encryptionKeys: [K1.toString('base64'), K2.toString('base64url')],
      keyHashSecret: H.toString('base64'),
    });
    expect(settings.shared).toEqual({
      encryptionKeys: [K1, K2],
      keyHashSecret: H,
      namespace: 'spectrocloud-token-cache',
      timeoutMs: 1000,
      retryIntervalMs: 5000,
    });
  });

  it('reads durations as strings or objects, and refuses bare numbers naming the unit to write', () => {
    const base = {
      shared: true,
      encryptionKeys: [K1.toString('base64')],
      keyHashSecret: H.toString('base64'),
      namespace: 'portal-a:tokens',
    };
    expect(
      read({ ...base, sharedTimeout: '250ms', sharedRetryInterval: '2s' })
        .shared,
    ).toMatchObject({
      namespace: 'portal-a:tokens',
      timeoutMs: 250,
      retryIntervalMs: 2000,
    });
    expect(
      read({ ...base, sharedTimeout: { milliseconds: 300 } }).shared?.timeoutMs,
    ).toBe(300);
    expect(() => read({ ...base, sharedTimeout: '0s' })).toThrow(
      "'spectrocloud.tokenCache.sharedTimeout' must be a positive duration",
    );
    expect(() => read({ ...base, sharedTimeout: 250 })).toThrow(
      "'spectrocloud.tokenCache.sharedTimeout' must be a duration with its unit, e.g. '10s', '500ms'",
    );
  });

  it('requires keys when the shared tier is on, naming the key but never its value', () => {
    expect(() => read({ shared: true })).toThrow(
      /spectrocloud\.tokenCache\.encryptionKeys is required when spectrocloud\.tokenCache\.shared is true/,
    );
    expect(() =>
      read({ shared: true, encryptionKeys: [K1.toString('base64')] }),
    ).toThrow(/spectrocloud\.tokenCache\.keyHashSecret is required/);
    expect(() =>
      read({
        shared: true,
        encryptionKeys: [],
        keyHashSecret: H.toString('base64'),
      }),
    ).toThrow(
      'spectrocloud.tokenCache.encryptionKeys must list at least one key',
    );

    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      read({
        shared: true,
        encryptionKeys: [K1.toString('base64'), short],
        keyHashSecret: H.toString('base64'),
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      'spectrocloud.tokenCache.encryptionKeys[1] must be the base64 encoding of exactly 32 ' +
        'random bytes (44 characters, e.g. the output of `openssl rand -base64 32`)',
    );
    expect(message).not.toContain(short);

    expect(() =>
      read({
        shared: true,
        encryptionKeys: ['correct horse battery staple correct horse b'],
        keyHashSecret: H.toString('base64'),
      }),
    ).toThrow(/encryptionKeys\[0\] must be the base64 encoding/);
    expect(() =>
      read({
        shared: true,
        encryptionKeys: [K1.toString('base64')],
        keyHashSecret: K1.toString('base64'),
      }),
    ).toThrow('spectrocloud.tokenCache.keyHashSecret must differ');
    expect(() =>
      read({
        shared: true,
        encryptionKeys: [K1.toString('base64')],
        keyHashSecret: H.toString('base64'),
        namespace: 'has spaces',
      }),
    ).toThrow(/namespace must be/);
  });

  it('ignores the keys while the shared tier is off', () => {
    expect(
      read({ shared: false, encryptionKeys: ['nonsense'] }).shared,
    ).toBeUndefined();
  });
});
