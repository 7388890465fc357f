import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import { getGlobalTokenMap } from './globalTokenMap';
import { getProcessTokenStore, getSessionTokenByEmail } from './seedApi';
import { spectroCloudTokenCacheServiceRef } from './serviceRef';
import { SpectroCloudTokenCache } from './types';

const SHARED = {
  shared: true,
  encryptionKeys: [randomBytes(32).toString('base64')],
  keyHashSecret: randomBytes(32).toString('base64'),
};

describe('spectroCloudTokenCacheServiceRef', () => {
  beforeEach(() => getGlobalTokenMap().clear());

  /** A backend with the auth plugin id's module and another plugin, both using the service. */
  async function startWithCache(config: object = {}) {
    const caches: Record<string, SpectroCloudTokenCache> = {};
    const warn = jest.fn();
    const logger: LoggerService = {
      error: () => {},
      warn,
      info: () => {},
      debug: () => {},
      child: () => logger,
    };
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({ data: config }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => logger,
        }),
        createBackendModule({
          pluginId: 'auth',
          moduleId: 'probe',
          register(reg) {
            reg.registerInit({
              deps: { tokenCache: spectroCloudTokenCacheServiceRef },
              async init({ tokenCache }) {
                caches.auth = tokenCache;
              },
            });
          },
        }),
        createBackendPlugin({
          pluginId: 'probe',
          register(reg) {
            reg.registerInit({
              deps: {
                tokenCache: spectroCloudTokenCacheServiceRef,
                logger: coreServices.logger,
              },
              async init({ tokenCache }) {
                caches.probe = tokenCache;
              },
            });
          },
        }),
      ],
    });
    return { backend, auth: caches.auth, probe: caches.probe, warn };
  }

  it('is injected with its default factory and shares tokens with the seed API', async () => {
    const { backend, auth, probe } = await startWithCache();
    const exp = Math.floor(Date.now() / 1000) + 900;
    await auth.storeSessionToken({
      email: 'Alice@Example.com',
      token: 'palette-session-a',
      expiresAt: exp,
      userEntityRef: 'user:default/alice',
    });
    expect(await probe.getSessionTokenForUser('user:default/alice')).toEqual({
      token: 'palette-session-a',
      expiresAt: exp,
    });
    expect(getSessionTokenByEmail('alice@example.com')).toBe(
      'palette-session-a',
    );
    expect(
      await probe.getSessionTokenForUser('user:default/bob'),
    ).toBeUndefined();

    await probe.deleteSessionToken({ userEntityRef: 'user:default/alice' });
    expect(
      await auth.getSessionTokenByEmail('alice@example.com'),
    ).toBeUndefined();
    await backend.stop();
  });

  it('keeps the global compatibility map empty by default, and warns nothing about it', async () => {
    const { backend, auth, warn } = await startWithCache();
    await auth.storeSessionToken({
      email: 'alice@example.com',
      token: 'palette-session-a',
      expiresAt: Math.floor(Date.now() / 1000) + 900,
      userEntityRef: 'user:default/alice',
    });
    expect(getGlobalTokenMap().get('alice@example.com')).toBeUndefined();
    expect(getSessionTokenByEmail('alice@example.com')).toBe(
      'palette-session-a',
    );
    expect(warn).not.toHaveBeenCalled();
    await backend.stop();
  });

  it('with legacyGlobalMap: true, publishes the map and logs one warning at startup', async () => {
    const { backend, auth, warn } = await startWithCache({
      spectrocloud: { tokenCache: { legacyGlobalMap: true } },
    });
    await auth.storeSessionToken({
      email: 'alice@example.com',
      token: 'palette-session-a',
      expiresAt: Math.floor(Date.now() / 1000) + 900,
      userEntityRef: 'user:default/alice',
    });
    expect(getGlobalTokenMap().get('Alice@Example.com')?.token).toBe(
      'palette-session-a',
    );
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain(
      'spectrocloud.tokenCache.legacyGlobalMap is on',
    );
    expect(warn.mock.calls[0][0]).not.toContain('alice');
    await backend.stop();
  });

  it('bounds the in-process view by spectrocloud.tokenCache.maxEntries', async () => {
    const { backend, auth } = await startWithCache({
      spectrocloud: { tokenCache: { maxEntries: 2 } },
    });
    const exp = Math.floor(Date.now() / 1000) + 900;
    for (const n of [1, 2, 3]) {
      await auth.storeSessionToken({
        email: `u${n}@example.com`,
        token: `t${n}`,
        expiresAt: exp,
      });
    }
    expect(getProcessTokenStore().size).toBe(2);
    expect(getSessionTokenByEmail('u1@example.com')).toBeUndefined();
    expect(getSessionTokenByEmail('u3@example.com')).toBe('t3');
    await backend.stop();
  });

  it('with shared: true, finds in the shared store what the in-process view lost', async () => {
    const { backend, auth, probe, warn } = await startWithCache({
      spectrocloud: { tokenCache: { ...SHARED, maxEntries: 1 } },
    });
    const exp = Math.floor(Date.now() / 1000) + 900;
    await auth.storeSessionToken({
      email: 'alice@example.com',
      token: 'palette-session-a',
      expiresAt: exp,
      userEntityRef: 'user:default/alice',
    });
    // bob's sign-in evicts alice from the in-process tier (maxEntries: 1)...
    await auth.storeSessionToken({
      email: 'bob@example.com',
      token: 'palette-session-b',
      expiresAt: exp,
      userEntityRef: 'user:default/bob',
    });
    expect(getSessionTokenByEmail('alice@example.com')).toBeUndefined();
    // ...and another plugin still finds her token, in the one namespace both plugins share.
    expect(await probe.getSessionTokenForUser('user:default/alice')).toEqual({
      token: 'palette-session-a',
      expiresAt: exp,
    });
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining("backend.cache.store is 'memory'"),
    );
    await backend.stop();
  });

  it('refuses to start with shared: true and an invalid key', async () => {
    await expect(
      startWithCache({
        spectrocloud: {
          tokenCache: { ...SHARED, encryptionKeys: ['too-short'] },
        },
      }),
    ).rejects.toThrow(
      /spectrocloud\.tokenCache\.encryptionKeys\[0\] must be the base64 encoding of exactly 32 random bytes/,
    );
  });
});
