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
} from '../__testUtils__/keyvRedis';
import { createSharedKeyValueStore } from '../sessions/keyValue';
import { SessionStore } from '../sessions/SessionStore';
import { SessionStoreUnavailableError } from '../sessions/types';
import {
  ResilientSharedCache,
  SharedCacheConnection,
} from './ResilientSharedCache';
import { SharedKeyHasher } from './SharedKeyHasher';
import { SharedValueCipher } from './SharedValueCipher';

// Stops and restarts Redis, so it uses its own redis-server child process, never the machine's.
const NAMESPACE = 'spectrocloud-token-cache';
const TIMEOUT_MS = 300;
const RETRY_MS = 500;
const HASH_SECRET = randomKey();
const ENCRYPTION_KEY = randomKey();

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function sessionsOn(
  connection: SharedCacheConnection,
  logger: ReturnType<typeof mockServices.logger.mock>,
) {
  return new SessionStore({
    kv: createSharedKeyValueStore({
      cache: new ResilientSharedCache({
        connect: () => connection,
        timeoutMs: TIMEOUT_MS,
        retryIntervalMs: RETRY_MS,
        recreateOnFailure: false,
        logger,
      }),
      cipher: new SharedValueCipher([ENCRYPTION_KEY]),
      keys: new SharedKeyHasher(HASH_SECRET),
      logger,
    }),
  });
}

function record(id: string, email: string) {
  const now = nowSeconds();
  return {
    id,
    email,
    userEntityRef: `user:default/${email.split('@')[0]}`,
    idToken: 'id-token',
    idTokenExpiresAt: now + 900,
    sessionToken: { token: `token-${id}`, expiresAt: now + 900 },
    scope: 'openid',
    createdAt: now,
    expiresAt: now + 3600,
  };
}

const describeWithRedis = describeWithServices('redis');

describeWithRedis(
  'session records while Redis goes away and comes back',
  () => {
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

    it('fails fast with SessionStoreUnavailableError, warns once, reports a failed logout, and heals by itself', async () => {
      redis = await startRedisServer();
      const port = redis.port;
      const logger = mockServices.logger.mock();
      const a = keyvRedisConnection(redis.url, NAMESPACE);
      closers.push(a.close);
      const sessions = sessionsOn(a.connection, logger);

      await sessions.create(record('s1', 'alice@example.com'));
      const raw = await rawRedisClient(redis.url);
      const stored = await raw.keys(`${NAMESPACE}:*`);
      // record + email index + user index, keys and values without the token or the email
      expect(stored.length).toBe(3);
      for (const key of stored) {
        const value = String(await raw.get(key));
        expect(value).not.toContain('token-s1');
        expect(value).not.toContain('alice');
      }
      await raw.disconnect();

      // Redis dies (the records are gone with it: no persistence).
      await redis.stop();
      const started = Date.now();
      await expect(sessions.get('s1')).rejects.toBeInstanceOf(
        SessionStoreUnavailableError,
      );
      await expect(
        sessions.create(record('s2', 'bob@example.com')),
      ).rejects.toBeInstanceOf(SessionStoreUnavailableError);
      await expect(sessions.claimOnce('flow', 1000)).rejects.toBeInstanceOf(
        SessionStoreUnavailableError,
      );
      // A logout while down is reported (the client keeps its cookies and retries), never assumed.
      await expect(sessions.end('s1')).rejects.toBeInstanceOf(
        SessionStoreUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toMatch(
        /^SpectroCloud token cache: the shared cache store failed/,
      );
      expect(logger.info).not.toHaveBeenCalled();

      // Redis comes back on the same port; the same client reconnects (no restart of anything).
      redis = await startRedisServer({ port });
      const deadline = Date.now() + 10_000;
      let created = false;
      while (!created && Date.now() < deadline) {
        await sleep(RETRY_MS);
        created = await sessions
          .create(record('s3', 'carol@example.com'))
          .then(() => true)
          .catch(() => false);
      }
      expect(created).toBe(true);
      expect(logger.info).toHaveBeenCalledWith(
        'SpectroCloud token cache: the shared cache store answers again; using it',
      );
      expect(logger.warn).toHaveBeenCalledTimes(1);

      // Another instance sees carol's session.
      const b = keyvRedisConnection(redis.url, NAMESPACE);
      closers.push(b.close);
      const other = sessionsOn(b.connection, logger);
      await expect(
        other.newestLive({ userEntityRef: 'user:default/carol' }),
      ).resolves.toMatchObject({
        id: 's3',
        sessionToken: { token: 'token-s3' },
      });
      const check = await rawRedisClient(redis.url);
      expect((await check.keys(`${NAMESPACE}:*`)).length).toBe(3); // record + 2 indexes
      await check.disconnect();

      await new Promise(r => setImmediate(r));
      expect(unhandled).toEqual([]);
    }, 60_000);
  },
);
