import { once } from 'node:events';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a hostile or broken Palette answers with a 200 status:
 * - `huge`: a 200 MB body (by default) that is not JSON;
 * - `endless`: a body that never ends (streamed as fast as the client reads);
 * - `trickle`: one byte every 0.5 s (by default), forever: defeats idle-socket timeouts;
 * - `bigJson`: a 30 MB (by default) body that is valid JSON;
 * - `html`: a small HTML maintenance page.
 */
export type HostileBody = 'huge' | 'endless' | 'trickle' | 'bigJson' | 'html';

/** Every {@link HostileBody}, in the order benchmarks and tests report them. */
export const HOSTILE_BODIES: readonly HostileBody[] = [
  'huge',
  'endless',
  'trickle',
  'bigJson',
  'html',
];

/** Options of {@link startHostileBodyServer}; sizes in BYTES, intervals in MILLISECONDS. */
export interface HostileBodyServerOptions {
  /** Size of the `huge` body. Default 200 MiB. */
  hugeBytes?: number;
  /** Size of the `bigJson` body. Default 30 MiB. */
  bigJsonBytes?: number;
  /** Pause between the bytes of `trickle`. Default 500 ms. */
  trickleIntervalMs?: number;
  /**
   * Safety net for benchmarks of clients that never hang up: a response still open after this
   * many MILLISECONDS is destroyed by the server. Default: never.
   */
  maxResponseMs?: number;
}

/** A running hostile body server. */
export interface HostileBodyServer {
  /** `http://127.0.0.1:<port>`; `<url>/<HostileBody>/<any path>` answers that body. */
  url: string;
  /** Requests received so far, per body kind. */
  requests: Record<HostileBody, number>;
  /** Responses started and not yet closed (their socket is still open), per body kind. */
  open: Record<HostileBody, number>;
  /** Resolves once no response is open any more, or rejects after `timeoutMs` MILLISECONDS. */
  allClosed(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

function zero(): Record<HostileBody, number> {
  return { huge: 0, endless: 0, trickle: 0, bigJson: 0, html: 0 };
}

/** Writes `chunk` and waits for the socket to drain; `false` once the response is closed. */
async function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) {
    return false;
  }
  if (!res.write(chunk)) {
    await new Promise<void>(resolve => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

/** Streams `total` bytes made of `fill` (never allocated at once), then `tail`. */
async function stream(
  res: ServerResponse,
  total: number,
  fill: Buffer,
  tail = Buffer.alloc(0),
): Promise<void> {
  let sent = 0;
  while (sent < total) {
    const part = fill.subarray(0, Math.min(fill.length, total - sent));
    if (!(await write(res, part))) {
      return;
    }
    sent += part.length;
  }
  if (tail.length && !(await write(res, tail))) {
    return;
  }
  res.end();
}

/**
 * Starts an HTTP server on 127.0.0.1 (random port) that answers every request under
 * `/<HostileBody>/` with that hostile body, whatever the rest of the path (use it as `tokenUrl`,
 * `metadataUrl`, `jwksUrl` or `apiUrl`). Bodies are generated while streaming (a 64 KiB buffer
 * reused), with backpressure: the server never holds them in memory. It records when each
 * response's socket closes, so tests can assert that the client hung up.
 */
export async function startHostileBodyServer(
  options: HostileBodyServerOptions = {},
): Promise<HostileBodyServer> {
  const hugeBytes = options.hugeBytes ?? 200 * 1024 * 1024;
  const bigJsonBytes = options.bigJsonBytes ?? 30 * 1024 * 1024;
  const trickleMs = options.trickleIntervalMs ?? 500;
  const requests = zero();
  const open = zero();
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const filler = Buffer.alloc(CHUNK, 'a');

  const notify = () => {
    if (Object.values(open).every(n => n === 0)) {
      for (const waiter of waiters) waiter();
      waiters.clear();
    }
  };

  const answer = (kind: HostileBody, res: ServerResponse) => {
    switch (kind) {
      case 'huge':
        res.writeHead(200, { 'content-type': 'application/json' });
        return stream(res, hugeBytes, filler);
      case 'endless':
        res.writeHead(200, { 'content-type': 'application/json' });
        return stream(res, Number.POSITIVE_INFINITY, filler);
      case 'bigJson': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const head = Buffer.from('{"padding":"');
        return write(res, head).then(ok =>
          ok
            ? stream(
                res,
                bigJsonBytes - head.length - 2,
                filler,
                Buffer.from('"}'),
              )
            : undefined,
        );
      }
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        const timer = setInterval(() => {
          if (res.destroyed || res.writableEnded) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          res.write(' ');
        }, trickleMs);
        timers.add(timer);
        return undefined;
      }
      default:
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><h1>Palette maintenance</h1></body></html>');
        return undefined;
    }
  };

  const server: Server = createServer(
    (req: IncomingMessage, res: ServerResponse) => {
      const kind = (req.url ?? '/').split('/')[1] as HostileBody;
      if (!HOSTILE_BODIES.includes(kind)) {
        res.writeHead(404).end();
        return;
      }
      requests[kind] += 1;
      open[kind] += 1;
      const lifetime =
        options.maxResponseMs === undefined
          ? undefined
          : setTimeout(() => res.destroy(), options.maxResponseMs);
      res.on('close', () => {
        clearTimeout(lifetime);
        open[kind] -= 1;
        notify();
      });
      req.resume();
      Promise.resolve(answer(kind, res)).catch(() => res.destroy());
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    open,
    allClosed(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(done);
          reject(
            new Error(
              `hostile body server: responses still open after ${timeoutMs} ms: ${JSON.stringify(
                open,
              )}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.add(done);
        notify();
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearInterval(timer);
        timers.clear();
        server.close(err => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
