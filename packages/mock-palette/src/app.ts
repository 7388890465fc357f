import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import type { MockPaletteContext } from './context';
import { sendPaletteError } from './http';
import { createOidcRouter } from './oidcRoutes';
import { createPaletteApiRouter } from './paletteApiRoutes';

/**
 * The express app of one mock tenant: the OIDC routes under
 * `/v1/oidc/tenant/<tenant>` and the Palette API routes at the root. Errors
 * (malformed bodies or URL encodings, unexpected failures) get a generic JSON
 * answer: their message could echo a token, so it is neither sent nor logged.
 */
export function createApp(ctx: MockPaletteContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    `/v1/oidc/tenant/${encodeURIComponent(ctx.tenant)}`,
    createOidcRouter(ctx),
  );
  app.use((req, _res, next) => {
    if (
      req.path.startsWith('/v1/') &&
      !req.path.startsWith('/v1/oidc/') &&
      !req.path.startsWith('/v1/auth/refresh/')
    ) {
      ctx.apiRequests.push({
        method: req.method,
        path: req.path,
        authorization: req.get('authorization'),
        apiKey: req.get('apikey'),
      });
      ctx.apiRequests.splice(0, ctx.apiRequests.length - 1000);
    }
    next();
  });
  app.use(createPaletteApiRouter(ctx));
  app.use(
    (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      const status = (err as { status?: unknown })?.status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        sendPaletteError(res, status, 'BadRequest', 'Malformed request.');
        return;
      }
      sendPaletteError(res, 500, 'InternalError', 'Internal error.');
    },
  );
  return app;
}
