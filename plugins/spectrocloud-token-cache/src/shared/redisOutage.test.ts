import { mockServices } from '@backstage/backend-test-utils';
import {
  describeWithServices,
  RedisServer,
  startRedisServer,
} from '@internal/test-services';
import {
  keyvRedisConnection,
  randomKey,
  rawRedisClient,
  rawRedisKey,
} from '../__testUtils__/keyvRedis';
import { DefaultSpectroCloudTokenCache } from '../DefaultSpectroCloudTokenCache';
import { getGlobalTokenMap } from '../globalTokenMap';
import { InProcessTokenStore } from '../InProcessTokenStore';
import { getSessionTokenByEmail } from '../seedApi';
import { SharedKeyHasher } from './SharedKeyHasher';
import { SharedTokenStore } from './SharedTokenStore';

// Stops and restarts Redis, so it uses its own redis-server child process, never the machine's.
const NAMESPACE = 'spectrocloud-token-cache';
const TIMEOUT_MS = 300;
const RETRY_MS = 500;
const HASH_SECRET = randomKey();
const ENCRYPTION_KEY = randomKey();

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const describeWithRedis = describeWithServices('redis');

describeWithRedis('token cache while Redis goes away and comes back', () => {
  let redis: RedisServer | undefined;
  const closers: Array<() => Promise<void>> = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await Promise.all(closers.map(close => close()));
    await redis?.stop();
  });

  it('falls back to the in-process tier, warns once, and uses Redis again when it is back', async () => {
    redis = await startRedisServer();
    const port = redis.port;
    const logger = mockServices.logger.mock();
    const { connection, close } = keyvRedisConnection(redis.url, NAMESPACE);
    closers.push(close);
    const shared = new SharedTokenStore({
      connect: () => connection,
      encryptionKeys: [ENCRYPTION_KEY],
      keyHashSecret: HASH_SECRET,
      logger,
      timeoutMs: TIMEOUT_MS,
      retryIntervalMs: RETRY_MS,
    });
    const store = new InProcessTokenStore({ sweepIntervalMs: 0 });
    const cache = new DefaultSpectroCloudTokenCache(store, { shared });
    const keys = new SharedKeyHasher(HASH_SECRET);
    const exp = nowSeconds() + 900;
    getGlobalTokenMap().clear();

    await cache.storeSessionToken({
      email: 'alice@example.com',
      token: 'token-alice',
      expiresAt: exp,
      userEntityRef: 'user:default/alice',
    });
    let raw = await rawRedisClient(redis.url);
    expect(
      await raw.exists(
        rawRedisKey(NAMESPACE, keys.tokenKey('alice@example.com')),
      ),
    ).toBe(1);
    await raw.disconnect();

    // Redis dies.
    await redis.stop();

    // Sign-in still works (bounded by the timeout) and lands in the in-process tier.
    const started = Date.now();
    await cache.storeSessionToken({
      email: 'bob@example.com',
      token: 'token-bob',
      expiresAt: exp,
      userEntityRef: 'user:default/bob',
    });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
    expect(getSessionTokenByEmail('bob@example.com')).toBe('token-bob');
    // Reads fall back to the in-process tier.
    await expect(
      cache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toMatchObject({
      token: 'token-alice',
    });
    await expect(
      cache.getSessionTokenForUser('user:default/bob'),
    ).resolves.toMatchObject({
      token: 'token-bob',
    });
    // Misses that would need Redis answer quickly, without throwing.
    for (let i = 0; i < 5; i++) {
      await expect(
        cache.getSessionTokenForUser(`user:default/nobody-${i}`),
      ).resolves.toBeUndefined();
    }
    expect(shared.available).toBe(false);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(
      /^SpectroCloud token cache: the shared cache store failed \(.+\); using the in-process tier only/,
    );
    expect(logger.info).not.toHaveBeenCalled();

    // Redis comes back (empty: no persistence), on the same port.
    redis = await startRedisServer({ port });
    await sleep(RETRY_MS + 100);

    // Writes reach Redis again: another instance can read carol's token.
    const deadline = Date.now() + 10_000;
    let carolInRedis = 0;
    raw = await rawRedisClient(redis.url);
    while (!carolInRedis && Date.now() < deadline) {
      await cache.storeSessionToken({
        email: 'carol@example.com',
        token: 'token-carol',
        expiresAt: exp,
        userEntityRef: 'user:default/carol',
      });
      carolInRedis = await raw.exists(
        rawRedisKey(NAMESPACE, keys.tokenKey('carol@example.com')),
      );
      if (!carolInRedis) await sleep(RETRY_MS);
    }
    await raw.disconnect();
    expect(carolInRedis).toBe(1);
    expect(shared.available).toBe(true);
    expect(logger.info).toHaveBeenCalledWith(
      'SpectroCloud token cache: the shared cache store answers again; using it',
    );
    expect(logger.warn).toHaveBeenCalledTimes(1);

    // Another instance: its own client and in-process tier.
    getGlobalTokenMap().clear();
    const second = keyvRedisConnection(redis.url, NAMESPACE);
    closers.push(second.close);
    const other = new DefaultSpectroCloudTokenCache(
      new InProcessTokenStore({ sweepIntervalMs: 0 }),
      {
        shared: new SharedTokenStore({
          connect: () => second.connection,
          encryptionKeys: [ENCRYPTION_KEY],
          keyHashSecret: HASH_SECRET,
          logger,
        }),
      },
    );
    await expect(
      other.getSessionTokenForUser('user:default/carol'),
    ).resolves.toMatchObject({
      token: 'token-carol',
    });

    await new Promise(r => setImmediate(r));
    expect(unhandled).toEqual([]);
    store.close();
  }, 60_000);
});
