import { ConfigReader } from '@backstage/config';
import {
  describeWithServices,
  RedisServer,
  startRedisServer,
} from '@internal/test-services';
import { cacheManagerConnector } from './cacheManagerConnection';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describeWithServices('redis')(
  'the token cache client of backend.cache.store redis',
  () => {
    let redis: RedisServer | undefined;
    afterEach(async () => {
      await redis?.stop();
    });

    it('losing Redis is a counted store error, never an uncaught exception', async () => {
      redis = await startRedisServer();
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      const connection = cacheManagerConnector(
        new ConfigReader({
          backend: {
            cache: { store: 'redis', connection: redis.url },
          },
        }),
        'redis-client-errors-test',
      ).connect();
      try {
        await connection.cache.set('k', 'v');
        await expect(connection.cache.get('k')).resolves.toBe('v');
        const before = connection.errorCount!();

        await redis.stop();
        // The client notices the closed socket (and then fails to reconnect) on its own.
        const deadline = Date.now() + 10_000;
        while (connection.errorCount!() <= before && Date.now() < deadline) {
          await sleep(50);
        }
        await sleep(200); // a reconnect attempt, which would throw uncaught without the fix

        expect(connection.errorCount!()).toBeGreaterThan(before);
        expect(uncaught).toEqual([]);
      } finally {
        process.off('uncaughtException', onUncaught);
        await connection.close?.();
      }
    }, 30_000);
  },
);
