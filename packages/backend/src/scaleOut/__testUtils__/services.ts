import knexFactory from 'knex';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';

export const PG_HOST = '127.0.0.1';
export const PG_PORT = 5432;

/** Whether `redis-server` can be run and PostgreSQL accepts TCP connections (checked synchronously). */
export function servicesAvailable(): { ok: boolean; missing: string[] } {
  const missing: string[] = [];
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    missing.push('redis-server');
  }
  const pg = spawnSync(process.execPath, [
    '-e',
    `require('net').connect(${PG_PORT}, '${PG_HOST}')` +
      ".on('connect', () => process.exit(0)).on('error', () => process.exit(1))",
  ]);
  if (pg.status !== 0) {
    missing.push(`PostgreSQL on ${PG_HOST}:${PG_PORT}`);
  }
  return { ok: missing.length === 0, missing };
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

/** A throwaway `redis-server` (no persistence) on `port`; `stop()` kills it (SIGKILL). */
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

/** Drops every database whose name starts with `prefix` (the backend's `database.prefix`). */
export async function dropDatabases(prefix: string): Promise<string[]> {
  if (!/^[a-z0-9_]+$/.test(prefix)) {
    throw new Error(`unexpected database prefix ${prefix}`);
  }
  const knex = knexFactory({
    client: 'pg',
    connection: {
      host: PG_HOST,
      port: PG_PORT,
      user: 'postgres',
      database: 'postgres',
    },
  });
  try {
    const { rows } = await knex.raw<{ rows: Array<{ datname: string }> }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, ?)',
      [prefix],
    );
    for (const { datname } of rows) {
      await knex.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
    }
    return rows.map(r => r.datname);
  } finally {
    await knex.destroy();
  }
}
