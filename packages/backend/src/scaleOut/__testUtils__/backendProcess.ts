import { ChildProcess, spawn } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';

/** The packages/backend directory (the backend's working directory, as `package start` uses). */
export const BACKEND_DIR = resolvePath(__dirname, '../../..');

/** Every backend process started here and still running: killed if the test process exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach(child => child.kill('SIGKILL')));

/** One example-backend process. */
export interface BackendProcess {
  name: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `packages/backend/src/index.ts` the way `backstage-cli package start` runs it (Node with
 * the CLI's TypeScript transform, cwd `packages/backend`, `NODE_ENV=development`), without the
 * CLI's file watcher, and resolves once `/.backstage/health/v1/readiness` answers 200.
 *
 * @throws Error (with the end of its output) when it exits or is not ready within `timeoutMs`
 */
export async function startBackendProcess(options: {
  name: string;
  port: number;
  configPaths: string[];
  timeoutMs: number;
}): Promise<BackendProcess> {
  const { name, port, configPaths, timeoutMs } = options;
  const chunks: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      ...configPaths.flatMap(p => ['--config', p]),
    ],
    {
      cwd: BACKEND_DIR,
      env: { ...process.env, NODE_ENV: 'development', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stdout!.on('data', d => chunks.push(d.toString()));
  child.stderr!.on('data', d => chunks.push(d.toString()));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const output = () => chunks.join('');
  const url = `http://127.0.0.1:${port}`;

  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `backend ${name} exited during startup:\n${output().slice(-4000)}`,
      );
    }
    if (Date.now() > deadline) {
      await stop(1000);
      throw new Error(
        `backend ${name} was not ready within ${timeoutMs} ms:\n${output().slice(
          -4000,
        )}`,
      );
    }
    try {
      const res = await fetch(`${url}/.backstage/health/v1/readiness`, {
        signal: AbortSignal.timeout(2000),
      });
      if (res.status === 200) {
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  return { name, url, output, stop };
}
