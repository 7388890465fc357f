import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { findOnPath } from './binaries';
import { exitOf, hasExited, killOnExit, outputTail } from './childProcesses';
import { freePort } from './freePort';

/** A running throwaway `redis-server`. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /**
   * Kills the server (SIGKILL: like a crash, nothing is saved) and resolves once it exited.
   * Calling it again does nothing. `startRedisServer({ port })` brings an empty one back.
   */
  stop(): Promise<void>;
}

/** Whether something on 127.0.0.1:`port` answers the inline command `PING` with `+PONG`. */
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
 * Starts a `redis-server` child process on 127.0.0.1 (never the machine's shared Redis), without
 * persistence (`--save ''`, `--appendonly no`), and resolves once it logged that it is ready and
 * answers PING.
 *
 * @param options.port - TCP port; default: a free one
 * @param options.startTimeoutMs - how long to wait for PING; default 20 000 ms
 * @throws Error when `redis-server` is not on PATH, exits during startup (e.g. the port is taken)
 *   or does not answer in time; the error holds the end of its output
 */
export async function startRedisServer(
  options: { port?: number; startTimeoutMs?: number } = {},
): Promise<RedisServer> {
  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new Error('redis-server is not on PATH');
  }
  const port = options.port ?? (await freePort());
  const child = spawn(
    binary,
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  killOnExit(child);
  const output = outputTail(child);
  const stop = async () => {
    if (!hasExited(child)) child.kill('SIGKILL');
    await exitOf(child);
  };

  // Its own log line first: a PONG alone could come from another server on that port.
  const ready = async () =>
    /Ready to accept connections/.test(output()) && answersPing(port);
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  while (!(await ready())) {
    if (hasExited(child) || Date.now() > deadline) {
      await stop();
      throw new Error(
        `redis-server did not start on 127.0.0.1:${port}:\n${output()}`,
      );
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
