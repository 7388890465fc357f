import {
  createServer,
  IncomingMessage,
  ServerResponse,
  type Server,
} from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** A token endpoint answer, as JSON. */
export type TokenResponseBody = Record<string, unknown>;

/**
 * What the proxy does with the next token requests:
 * - `forward`: passes the request to the upstream token endpoint and its answer back unchanged;
 * - `rewrite`: forwards, then answers `transform(upstream JSON)` (status 200, JSON);
 * - `respond`: answers `status`, `contentType`, `body` without calling upstream;
 * - `reset`: destroys the connection without an answer;
 * - `hangBeforeHeaders`: never answers;
 * - `hangInBody`: sends 200 headers and one byte of a JSON body, then nothing;
 * - `trickleBody`: sends 200 headers, then one space every `intervalMs` forever (defeats an
 *   idle-socket timeout).
 */
export type TokenProxyBehaviour =
  | { kind: 'forward' }
  | {
      kind: 'rewrite';
      transform: (upstream: TokenResponseBody) => Promise<TokenResponseBody>;
    }
  | { kind: 'respond'; status: number; contentType: string; body: string }
  | { kind: 'reset' }
  | { kind: 'hangBeforeHeaders' }
  | { kind: 'hangInBody' }
  | { kind: 'trickleBody'; intervalMs: number };

/** One token request the proxy received. */
export interface RecordedTokenRequest {
  /** The form body (grant_type, code, redirect_uri, code_verifier, ...). */
  form: URLSearchParams;
  /** The `Authorization` header (client_secret_basic), if any. */
  authorization?: string;
  /** The upstream JSON answer, when the request was forwarded and answered with JSON. */
  upstream?: TokenResponseBody;
  /** What the proxy answered with, when it answered with JSON. */
  answered?: TokenResponseBody;
}

/** A local HTTP server standing in for the Palette token endpoint (configure it as `tokenUrl`). */
export interface TokenEndpointProxy {
  /** `http://127.0.0.1:<port>/token` */
  url: string;
  /** Applies to every following request; tests set it before a flow. */
  behaviour: TokenProxyBehaviour;
  /**
   * Per-request override (e.g. by authorization code, for concurrent flows): its answer wins over
   * `behaviour` when it is not `undefined`.
   */
  behaviourFor?: (form: URLSearchParams) => TokenProxyBehaviour | undefined;
  /** Every request received so far, oldest first. */
  requests: RecordedTokenRequest[];
  /** Stops the server and drops every open (hanging) connection. */
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) {
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Starts a token endpoint proxy in front of `upstreamTokenUrl` (the mock Palette's token
 * endpoint) so that integration tests can feed arbitrary token responses (forged ID tokens,
 * HTML errors, hangs) through the real sign-in flow.
 */
export async function startTokenEndpointProxy(
  upstreamTokenUrl: string,
): Promise<TokenEndpointProxy> {
  const timers = new Set<NodeJS.Timeout>();
  const proxy: TokenEndpointProxy = {
    url: '',
    behaviour: { kind: 'forward' },
    requests: [],
    close: async () => undefined,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const record: RecordedTokenRequest = {
      form: new URLSearchParams(raw),
      authorization: req.headers.authorization,
    };
    proxy.requests.push(record);
    const behaviour = proxy.behaviourFor?.(record.form) ?? proxy.behaviour;

    switch (behaviour.kind) {
      case 'respond':
        res.writeHead(behaviour.status, {
          'content-type': behaviour.contentType,
        });
        res.end(behaviour.body);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hangBeforeHeaders':
        return;
      case 'hangInBody':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        return;
      case 'trickleBody': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => {
          if (res.writableEnded || res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          res.write(' ');
        }, behaviour.intervalMs);
        timers.add(timer);
        return;
      }
      default:
        break;
    }

    const upstream = await fetch(upstreamTokenUrl, {
      method: 'POST',
      headers: {
        'content-type':
          req.headers['content-type'] ?? 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...(req.headers.authorization
          ? { authorization: req.headers.authorization }
          : {}),
      },
      body: raw,
    });
    const text = await upstream.text();
    if (behaviour.kind === 'forward' || !upstream.ok) {
      try {
        record.upstream = JSON.parse(text);
        record.answered = record.upstream;
      } catch {
        // not JSON: passed on as is
      }
      res.writeHead(upstream.status, {
        'content-type':
          upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(text);
      return;
    }
    record.upstream = JSON.parse(text);
    record.answered = await behaviour.transform({ ...record.upstream });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(record.answered));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
      }
      res.end('proxy failure');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}/token`;
  proxy.close = () =>
    new Promise<void>((resolve, reject) => {
      for (const timer of timers) {
        clearInterval(timer);
      }
      timers.clear();
      server.close(err => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  return proxy;
}
