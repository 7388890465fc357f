import { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Server processes and folders still in use: killed and removed if the test process exits. */
const children = new Set<ChildProcess>();
const folders = new Set<string>();
let hooked = false;

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    children.forEach(child => child.kill('SIGKILL'));
    folders.forEach(dir => rmSync(dir, { recursive: true, force: true }));
  });
}

/** Kills `child` (SIGKILL) when this process exits before the child did. */
export function killOnExit(child: ChildProcess): void {
  hookExit();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Removes `dir` when this process exits; `forget` once it has been removed. */
export function removeOnExit(dir: string): { forget(): void } {
  hookExit();
  folders.add(dir);
  return { forget: () => folders.delete(dir) };
}

/** Keeps the last `limit` characters a child printed, for error messages. */
export function outputTail(child: ChildProcess, limit = 4000): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

/** Whether the child has exited (or was killed by a signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once `child` has exited (at once when it already has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise(resolve => child.once('exit', () => resolve()));
}
