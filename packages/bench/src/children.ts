import { ChildProcess, fork } from 'node:child_process';

/** A forked benchmark process and a request/answer helper over its IPC channel. */
export interface Child {
  process: ChildProcess;
  /** Resolves with the value under `key` of the child's next message that has it. */
  next<T>(key: string, timeoutMs?: number): Promise<T>;
  /** Sends `{ cmd }` and resolves with the answer under `key`. */
  ask<T>(cmd: string, key: string): Promise<T>;
  /** Asks it to stop, then waits for its exit (killed after 10 s). */
  stop(): Promise<void>;
}

/**
 * Forks `script` (a TypeScript file, run through Backstage's Node transform) with `args`,
 * `execArgv` extra Node flags and `env` added to this process's environment.
 */
export function forkChild(
  script: string,
  args: string[],
  options: { execArgv?: string[]; env?: Record<string, string> } = {},
): Child {
  const child = fork(script, args, {
    execArgv: [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      ...(options.execArgv ?? []),
    ],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const next = <T>(key: string, timeoutMs = 120_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${script}: no '${key}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: any) => {
        if (m && typeof m === 'object' && key in m) {
          cleanup();
          resolve(m[key]);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${script} exited (${code}) before '${key}'`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    process: child,
    next,
    ask(cmd, key) {
      const answer = next<any>(key);
      child.send({ cmd });
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ cmd: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
