import { CacheService } from '@backstage/backend-plugin-api';
import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import Keyv from 'keyv';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import { SharedCacheConnection } from '../shared/ResilientSharedCache';

/** The machine's Redis, as Backstage's TestCaches finds it (`BACKSTAGE_TEST_CACHE_REDIS7_...`). */
export const REDIS_URL =
  process.env.BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING ??
  'redis://127.0.0.1:6379';

/** A namespace no other test run uses, so parallel runs on one Redis do not collide. */
export function uniqueNamespace(label: string): string {
  return `sctc-test-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** Backstage's DefaultCacheClient key normalisation (base64, SHA-256 when long). */
function normalizedKey(key: string): string {
  const b64 = Buffer.from(key).toString('base64');
  return b64.length < 200
    ? b64
    : createHash('sha256').update(key).digest('base64');
}

/** The raw Redis key under which a `CacheService` key of `namespace` is stored. */
export function rawRedisKey(namespace: string, key: string): string {
  return `${namespace}:${normalizedKey(key)}`;
}

/**
 * A shared cache connection built like Backstage's `CacheManager` builds its redis store (Keyv +
 * @keyv/redis, `:` separator, errors swallowed and counted), except that the client has an
 * `error` listener (so it reconnects on its own) and can be closed at the end of a test.
 */
export function keyvRedisConnection(url: string, namespace: string) {
  let errors = 0;
  const store = new KeyvRedis(url, { keyPrefixSeparator: ':' });
  store.on('error', () => errors++);
  store.client.on('error', () => errors++);
  const keyv = new Keyv({
    store,
    namespace,
    useKeyPrefix: false,
    emitErrors: false,
  });
  const cache: CacheService = {
    get: async key => (await keyv.get(normalizedKey(key))) as any,
    set: async (key, value, opts) => {
      await keyv.set(normalizedKey(key), value, opts?.ttl as number);
    },
    delete: async key => {
      await keyv.delete(normalizedKey(key));
    },
    withOptions: () => cache,
  };
  const connection: SharedCacheConnection = {
    cache,
    errorCount: () => errors,
  };
  return {
    connection,
    close: async () => {
      await store.disconnect(true).catch(() => {});
    },
  };
}

/** A plain Redis client for looking at raw keys and values. */
export async function rawRedisClient(url: string) {
  const client = createClient({
    url,
    socket: { reconnectStrategy: false },
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Deletes every key of `namespace`. */
export async function deleteNamespace(url: string, namespace: string) {
  const client = await rawRedisClient(url);
  try {
    const keys = await client.keys(`${namespace}:*`);
    if (keys.length > 0) {
      await client.del(keys);
    }
  } finally {
    await client.disconnect();
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', data => done(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/**
 * A throwaway `redis-server` child process (never the machine's shared Redis), without
 * persistence, on `port`. `stop()` kills it (SIGKILL) and waits for the exit.
 */
export async function startRedisServer(port: number) {
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}

/** 32 random bytes. */
export function randomKey(): Buffer {
  return randomBytes(32);
}
