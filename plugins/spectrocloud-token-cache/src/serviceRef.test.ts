import {
  createBackendPlugin,
  coreServices,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { getGlobalTokenMap } from './globalTokenMap';
import { getSessionTokenByEmail } from './seedApi';
import { spectroCloudTokenCacheServiceRef } from './serviceRef';
import { SpectroCloudTokenCache } from './types';

describe('spectroCloudTokenCacheServiceRef', () => {
  beforeEach(() => getGlobalTokenMap().clear());

  async function startWithCache(config: object = {}) {
    let cache: SpectroCloudTokenCache | undefined;
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({ data: config }),
        createBackendPlugin({
          pluginId: 'probe',
          register(reg) {
            reg.registerInit({
              deps: {
                tokenCache: spectroCloudTokenCacheServiceRef,
                logger: coreServices.logger,
              },
              async init({ tokenCache }) {
                cache = tokenCache;
              },
            });
          },
        }),
      ],
    });
    return { backend, cache: cache! };
  }

  it('is injected with its default factory and shares tokens with the seed API', async () => {
    const { backend, cache } = await startWithCache();
    const exp = Math.floor(Date.now() / 1000) + 900;
    await cache.storeSessionToken({
      email: 'Alice@Example.com',
      token: 'palette-session-a',
      expiresAt: exp,
      userEntityRef: 'user:default/alice',
    });
    expect(await cache.getSessionTokenForUser('user:default/alice')).toEqual({
      token: 'palette-session-a',
      expiresAt: exp,
    });
    expect(getSessionTokenByEmail('alice@example.com')).toBe(
      'palette-session-a',
    );
    expect(
      await cache.getSessionTokenForUser('user:default/bob'),
    ).toBeUndefined();

    await cache.deleteSessionToken({ userEntityRef: 'user:default/alice' });
    expect(
      await cache.getSessionTokenByEmail('alice@example.com'),
    ).toBeUndefined();
    await backend.stop();
  });

  it('applies spectrocloud.tokenCache.maxEntries', async () => {
    const { backend, cache } = await startWithCache({
      spectrocloud: { tokenCache: { maxEntries: 2 } },
    });
    const exp = Math.floor(Date.now() / 1000) + 900;
    for (const n of [1, 2, 3]) {
      await cache.storeSessionToken({
        email: `u${n}@example.com`,
        token: `t${n}`,
        expiresAt: exp,
      });
    }
    expect(getGlobalTokenMap().size).toBe(2);
    expect(
      await cache.getSessionTokenByEmail('u1@example.com'),
    ).toBeUndefined();
    await backend.stop();
  });
});
