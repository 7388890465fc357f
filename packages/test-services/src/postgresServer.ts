import { spawn, SpawnOptions } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBinDir, lookupAccount } from './binaries';
import {
  exitOf,
  hasExited,
  killOnExit,
  outputTail,
  removeOnExit,
} from './childProcesses';
import { freePort } from './freePort';

/** A running throwaway PostgreSQL cluster (trust authentication, superuser `postgres`). */
export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  /** The superuser, `postgres`, without a password. */
  user: 'postgres';
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Connection settings as knex and node-postgres take them (`backend.database.connection`). */
  connection: { host: string; port: number; user: string };
  /** Fast shutdown (SIGINT, SIGKILL after 15 s), then deletes the cluster's folder. Idempotent. */
  stop(): Promise<void>;
}

/** Runs `command` to completion; rejects with its output when it fails. */
async function run(command: string, args: string[], options: SpawnOptions) {
  const child = spawn(command, args, {
    ...options,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  const output = outputTail(child);
  await exitOf(child);
  if (child.exitCode !== 0) {
    throw new Error(
      `${command} failed (${child.exitCode ?? child.signalCode}):\n${output()}`,
    );
  }
}

/**
 * Creates a PostgreSQL cluster in a new temporary folder (`initdb`, trust authentication, no
 * fsync) and runs `postgres` on 127.0.0.1 only (no Unix socket), resolving once it accepts
 * connections. `initdb` and `postgres` refuse to run as root, so under root both run as the
 * `postgres` account (Debian's packages create it), else as `nobody`.
 *
 * @param options.port - TCP port; default: a free one
 * @param options.startTimeoutMs - for initdb plus startup; default 120 000 ms
 * @throws Error when the binaries are missing (see `missingServices`), or initdb or postgres
 *   fail or do not start in time; the error holds the end of their output
 */
export async function startPostgresServer(
  options: { port?: number; startTimeoutMs?: number } = {},
): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error("PostgreSQL's initdb and postgres were not found");
  }
  const account =
    process.getuid?.() === 0
      ? lookupAccount('postgres') ?? lookupAccount('nobody')
      : undefined;
  if (process.getuid?.() === 0 && !account) {
    throw new Error(
      'running as root, and neither a postgres nor a nobody account exists to run PostgreSQL as',
    );
  }
  const port = options.port ?? (await freePort());
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);

  const dir = mkdtempSync(join(tmpdir(), 'test-postgres-'));
  const cleanup = removeOnExit(dir);
  if (account) chownSync(dir, account.uid, account.gid);
  const dataDir = join(dir, 'data');
  const spawnOptions: SpawnOptions = {
    cwd: dir,
    env: { ...process.env, LC_ALL: 'C' },
    ...(account ?? {}),
  };

  const removeFolder = () => {
    rmSync(dir, { recursive: true, force: true });
    cleanup.forget();
  };
  try {
    await run(
      join(binDir, 'initdb'),
      [
        '--pgdata',
        dataDir,
        '--username',
        'postgres',
        '--auth',
        'trust',
        '--encoding',
        'UTF8',
        '--locale',
        'C',
        '--no-sync',
      ],
      spawnOptions,
    );
  } catch (error) {
    removeFolder();
    throw error;
  }

  const child = spawn(
    join(binDir, 'postgres'),
    [
      '-D',
      dataDir,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-k',
      '', // no Unix socket
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  killOnExit(child);
  const output = outputTail(child);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (!hasExited(child)) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitOf(child);
      clearTimeout(timer);
      removeFolder();
    })();
    return stopped;
  };

  while (!/database system is ready to accept connections/.test(output())) {
    if (hasExited(child) || Date.now() > deadline) {
      await stop();
      throw new Error(
        `postgres did not start on 127.0.0.1:${port}:\n${output()}`,
      );
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    connection: { host: '127.0.0.1', port, user: 'postgres' },
    stop,
  };
}
