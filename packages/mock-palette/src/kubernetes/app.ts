import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import type { IdTokenVerifier } from './idTokenVerifier';
import { parseLabelSelector } from './labelSelector';
import { type KubernetesObject, RESOURCE_TYPES } from './resources';
import type { MockKubernetesCalls } from './types';

/** At most this many rejection reasons are kept. */
const MAX_REJECTIONS = 100;

/** What the express app of the mock Kubernetes API works with. */
export interface MockKubernetesContext {
  verifier: IdTokenVerifier;
  calls: MockKubernetesCalls;
  rejections: string[];
  /** Objects keyed by `${group}/${plural}` (see `demoObjects`). */
  objects: Map<string, KubernetesObject[]>;
}

/** Sends a Kubernetes `Status` failure object, as the API server does. */
function sendStatus(
  res: Response,
  code: number,
  reason: string,
  message: string,
): void {
  res.status(code).json({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The express app of the mock Kubernetes API server:
 * - `GET /healthz` -> `ok` without authentication (like the real API server);
 * - every other request needs `Authorization: Bearer <ID token>` accepted by
 *   `ctx.verifier`, else 401 `Status` `Unauthorized` (the reason is recorded
 *   in `ctx.rejections`, never the token);
 * - `GET /api/v1[/namespaces/:ns]/:plural` and
 *   `GET /apis/:group/:version[/namespaces/:ns]/:plural` for the types in
 *   `RESOURCE_TYPES` -> `{ kind: '<Kind>List', apiVersion, metadata, items }`,
 *   filtered by namespace and the `labelSelector` query (equality-based; 400
 *   `BadRequest` for one it cannot parse);
 * - anything else -> 404 `Status` `NotFound`.
 */
export function createMockKubernetesApp(ctx: MockKubernetesContext): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    const verification = match
      ? ctx.verifier.verify(match[1])
      : Promise.resolve({ ok: false, reason: 'missing-bearer-token' } as const);
    verification.then(result => {
      if (result.ok) {
        ctx.calls.authenticated += 1;
        next();
        return;
      }
      ctx.calls.rejected += 1;
      ctx.rejections.push(result.reason);
      ctx.rejections.splice(0, ctx.rejections.length - MAX_REJECTIONS);
      sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
    }, next);
  });

  const list = (group: string) => (req: Request, res: Response) => {
    const { version, plural, namespace } = req.params;
    const type = RESOURCE_TYPES.find(
      t => t.group === group && t.version === version && t.plural === plural,
    );
    if (!type) {
      sendStatus(
        res,
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
      return;
    }
    const rawSelector = req.query.labelSelector;
    const matches = parseLabelSelector(
      typeof rawSelector === 'string' ? rawSelector : undefined,
    );
    if (
      !matches ||
      (rawSelector !== undefined && typeof rawSelector !== 'string')
    ) {
      sendStatus(
        res,
        400,
        'BadRequest',
        'unable to parse requirement: the mock supports equality-based label selectors only',
      );
      return;
    }
    const items = (ctx.objects.get(`${group}/${plural}`) ?? []).filter(
      object =>
        (namespace === undefined || object.metadata.namespace === namespace) &&
        matches(object.metadata.labels ?? {}),
    );
    res.json({
      kind: type.listKind,
      apiVersion: group ? `${group}/${version}` : version,
      metadata: { resourceVersion: '1' },
      items,
    });
  };

  app.get('/api/:version/:plural', list(''));
  app.get('/api/:version/namespaces/:namespace/:plural', list(''));
  app.get('/apis/:group/:version/:plural', (req, res) =>
    list(req.params.group)(req, res),
  );
  app.get('/apis/:group/:version/namespaces/:namespace/:plural', (req, res) =>
    list(req.params.group)(req, res),
  );

  app.use((_req, res) => {
    sendStatus(
      res,
      404,
      'NotFound',
      'the server could not find the requested resource',
    );
  });
  app.use(
    (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
      // The message of an error could echo a token: neither sent nor logged.
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      const status = (err as { status?: unknown })?.status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        sendStatus(res, status, 'BadRequest', 'malformed request');
        return;
      }
      sendStatus(res, 500, 'InternalError', 'internal error');
    },
  );
  return app;
}
