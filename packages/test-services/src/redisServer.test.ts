import { createClient } from '@redis/client';
import { describeWithServices } from './describeWithServices';
import { startRedisServer } from './redisServer';

async function client(url: string) {
  const c = createClient({ url, socket: { reconnectStrategy: false } });
  c.on('error', () => {});
  await c.connect();
  return c;
}

describeWithServices('redis')('startRedisServer', () => {
  it('starts an empty server on a free port, stops it, and starts an empty one on the same port', async () => {
    const first = await startRedisServer();
    const second = await startRedisServer();
    try {
      expect(first.url).toBe(`redis://127.0.0.1:${first.port}`);
      expect(second.port).not.toBe(first.port);
      const c = await client(first.url);
      await c.set('greeting', 'hello');
      await expect(c.get('greeting')).resolves.toBe('hello');
      await c.disconnect();

      await first.stop();
      await first.stop(); // idempotent
      await expect(client(first.url)).rejects.toThrow(/ECONNREFUSED/);

      const again = await startRedisServer({ port: first.port });
      const c2 = await client(again.url);
      await expect(c2.get('greeting')).resolves.toBeNull(); // no persistence
      await c2.disconnect();
      await again.stop();
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('fails with a clear error when the port is taken', async () => {
    const taken = await startRedisServer();
    try {
      await expect(startRedisServer({ port: taken.port })).rejects.toThrow(
        `redis-server did not start on 127.0.0.1:${taken.port}`,
      );
    } finally {
      await taken.stop();
    }
  });
});
