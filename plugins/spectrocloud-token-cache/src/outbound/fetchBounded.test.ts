import { once } from 'node:events';
import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withDeadline } from './deadline';
import {
  fetchBounded,
  fetchJsonBounded,
  OutboundRequestError,
} from './fetchBounded';

let server: Server;
let base: string;
let closed: Promise<void>;
let answer: (res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((_req, res) => {
    closed = once(res, 'close').then(() => undefined);
    answer(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(r => server.close(r));
});

async function failure(
  promise: Promise<unknown>,
): Promise<OutboundRequestError> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(OutboundRequestError);
  return error;
}

describe('fetchBounded', () => {
  it('returns the status, headers and whole body of an answer within the limits', async () => {
    answer = res => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-a': 'b' });
      res.end('{"ok":true}');
    };
    const res = await fetchBounded(`${base}/x`, {}, { timeoutMs: 1000 });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-a')).toBe('b');
    await expect(res.json()).resolves.toEqual({ ok: true });
  });

  it('aborts a body that grows past the limit while it streams, and closes the socket', async () => {
    let sent = 0;
    answer = res => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      };
      res.on('drain', pump);
      pump();
    };
    const error = await failure(
      fetchBounded(`${base}/x`, {}, { timeoutMs: 5000, maxBytes: 100_000 }),
    );
    expect(error.failure).toBe('tooLarge');
    expect(error.message).toBe('the response is larger than 100000 bytes');
    await closed;
    expect(sent).toBeLessThan(10 * 1024 * 1024);
  });

  it('refuses a Content-Length over the limit before reading the body', async () => {
    answer = res => {
      res.writeHead(200, { 'content-length': '5000000' });
      res.write('x');
    };
    const error = await failure(
      fetchBounded(`${base}/x`, {}, { timeoutMs: 5000, maxBytes: 1000 }),
    );
    expect(error.failure).toBe('tooLarge');
    await closed;
  });

  it('aborts a trickling body at the deadline (headers and body), and closes the socket', async () => {
    answer = res => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    };
    const started = Date.now();
    const error = await failure(
      fetchBounded(`${base}/x`, {}, { timeoutMs: 300 }),
    );
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(1300);
    await closed;
  });

  it('names a refused connection by its code, never the URL', async () => {
    const spare = createServer();
    spare.listen(0, '127.0.0.1');
    await once(spare, 'listening');
    const { port } = spare.address() as AddressInfo;
    await new Promise(r => spare.close(r));
    const error = await failure(
      fetchBounded(
        `http://127.0.0.1:${port}/secret-path`,
        {},
        { timeoutMs: 1000 },
      ),
    );
    expect(error.failure).toBe('network');
    expect(error.message).toBe('the request failed (ECONNREFUSED)');
  });
});

describe('fetchJsonBounded', () => {
  it('reports a non-2xx status and a body that is not JSON without echoing it', async () => {
    answer = res => {
      res.writeHead(503);
      res.end('<html>secret</html>');
    };
    const status = await failure(
      fetchJsonBounded(`${base}/x`, { timeoutMs: 1000 }),
    );
    expect([status.failure, status.message]).toEqual(['status', 'HTTP 503']);
    answer = res => {
      res.writeHead(200);
      res.end('<html>secret</html>');
    };
    const notJson = await failure(
      fetchJsonBounded(`${base}/x`, { timeoutMs: 1000 }),
    );
    expect(notJson.message).toBe('the response is not JSON');
  });
});

describe('withDeadline', () => {
  it('aborts the signal with the same error it rejects with', async () => {
    let seen: unknown;
    const error = new Error('late');
    const work = (signal: AbortSignal) =>
      new Promise<never>(() => {
        signal.addEventListener('abort', () => {
          seen = signal.reason;
        });
      });
    await expect(withDeadline(work, 50, () => error)).rejects.toBe(error);
    expect(seen).toBe(error);
  });

  it('settles like the work when it is in time, and races work that ignores the signal', async () => {
    await expect(
      withDeadline(
        async () => 'value',
        1000,
        () => new Error('x'),
      ),
    ).resolves.toBe('value');
    const ignored = () =>
      new Promise((_, reject) => setTimeout(() => reject(new Error('b')), 100));
    await expect(
      withDeadline(ignored, 20, () => new Error('deadline')),
    ).rejects.toThrow('deadline');
    await new Promise(r => setTimeout(r, 150)); // the late rejection is handled
  });
});
