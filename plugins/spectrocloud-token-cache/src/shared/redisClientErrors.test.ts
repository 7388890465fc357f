import { ConfigReader } from '@backstage/config';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { cacheManagerConnector } from './cacheManagerConnection';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise(r => server.close(r));
  return port;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', d => done(d.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/** A throwaway redis-server (no persistence) of this test only. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
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
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await sleep(50);
  }
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(r => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('the token cache client of backend.cache.store redis', () => {
  let redis: ChildProcess | undefined;
  afterEach(async () => {
    if (redis) await stop(redis);
  });

  it('losing Redis is a counted store error, never an uncaught exception', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const connection = cacheManagerConnector(
      new ConfigReader({
        backend: {
          cache: { store: 'redis', connection: `redis://127.0.0.1:${port}` },
        },
      }),
      'redis-client-errors-test',
    ).connect();
    try {
      await connection.cache.set('k', 'v');
      await expect(connection.cache.get('k')).resolves.toBe('v');
      const before = connection.errorCount!();

      await stop(redis);
      await sleep(1500);

      expect(uncaught).toEqual([]);
      expect(connection.errorCount!()).toBeGreaterThan(before);
    } finally {
      process.off('uncaughtException', onUncaught);
      await connection.close?.();
    }
  }, 30_000);
});
