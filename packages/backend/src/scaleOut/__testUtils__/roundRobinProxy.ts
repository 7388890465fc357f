import { createServer, request } from 'node:http';

/** A running {@link startRoundRobinProxy}. */
export interface RoundRobinProxy {
  url: string;
  /** Requests forwarded per target URL. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A few lines of `node:http`: forwards each request, in turn, to the next of `targets`
 * (`http://host:port`), streaming request and response bodies and keeping all headers.
 */
export async function startRoundRobinProxy(
  port: number,
  targets: string[],
): Promise<RoundRobinProxy> {
  const hits = new Map(targets.map(t => [t, 0]));
  let next = 0;
  const server = createServer((req, res) => {
    const target = new URL(targets[next++ % targets.length]);
    hits.set(target.origin, (hits.get(target.origin) ?? 0) + 1);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.setTimeout(30_000, () => upstream.destroy(new Error('timeout')));
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502);
      }
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
