import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the Playwright web server writes the backend's output (relative to the repo root). */
export const BACKEND_LOG = 'e2e/.logs/backend.log';

const absolutePath = resolve(__dirname, '..', '..', '..', BACKEND_LOG);

/**
 * The backend log, or `undefined` when this run did not write it (the backend was an already
 * running server reused by Playwright, so its output went elsewhere).
 */
export function readBackendLogWrittenSince(
  startedAtMs: number,
): string | undefined {
  if (!existsSync(absolutePath)) {
    return undefined;
  }
  // The web server truncates the file when it starts the backend, before any test runs.
  if (statSync(absolutePath).mtimeMs < startedAtMs) {
    return undefined;
  }
  return readFileSync(absolutePath, 'utf8');
}
