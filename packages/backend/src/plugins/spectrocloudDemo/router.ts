import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  requireSessionTokenForRequest,
  SpectroCloudSessionRequiredError,
  SpectroCloudTokenCache,
} from '@terasky/backstage-plugin-spectrocloud-token-cache';
import express from 'express';
import Router from 'express-promise-router';
import { SpectroCloudDemoConfig } from './config';
import { fetchPaletteProjects, PaletteApiError } from './paletteProjects';

/** Dependencies of {@link createSpectroCloudDemoRouter}. */
export interface SpectroCloudDemoRouterOptions {
  httpAuth: HttpAuthService;
  logger: LoggerService;
  tokenCache: Pick<SpectroCloudTokenCache, 'getSessionTokenForUser'>;
  config: SpectroCloudDemoConfig;
}

/**
 * Routes of the `spectrocloud-demo` plugin (mounted at `/api/spectrocloud-demo`):
 *
 * - `GET /session` -> `{ expiresAt /* epoch s *\/, expiresInSeconds }`. Never returns the token.
 * - `GET /projects` -> `{ items: [{ uid, name }] }` from Palette `GET /v1/projects`; 502 when
 *   Palette is unreachable or answers badly, 504 when it does not answer within the configured
 *   timeout.
 *
 * Both answer 401 `SpectroCloudSessionRequiredError` with `X-SpectroCloud-ReAuth-Required: true`
 * when the caller has no live Palette session (`requireSessionTokenForRequest`), and `/projects`
 * also when Palette rejects the session token (ended at Palette): the frontend's fetch wrapper
 * then renews the session or asks the user to sign in.
 *
 * Both take the user from the caller's Backstage user credentials (a service or missing credential
 * is refused by the framework) and look the token up by that user entity ref only.
 */
export async function createSpectroCloudDemoRouter(
  options: SpectroCloudDemoRouterOptions,
): Promise<express.Router> {
  const { httpAuth, logger, tokenCache, config } = options;
  const router = Router();

  // The user comes from the verified Backstage credentials only (user principals only).
  const sessionTokenOf = (req: express.Request, res: express.Response) =>
    requireSessionTokenForRequest(req, res, { httpAuth, tokenCache });

  router.get('/session', async (req, res) => {
    const { entry } = await sessionTokenOf(req, res);
    const now = Math.floor(Date.now() / 1000);
    res.json({
      expiresAt: entry.expiresAt,
      expiresInSeconds: Math.max(0, entry.expiresAt - now),
    });
  });

  router.get('/projects', async (req, res) => {
    const { userEntityRef, entry } = await sessionTokenOf(req, res);
    try {
      const items = await fetchPaletteProjects({
        apiUrl: config.apiUrl,
        sessionToken: entry.token,
        timeoutMs: config.timeoutMs,
      });
      res.json({ items });
    } catch (error) {
      if (!(error instanceof PaletteApiError)) {
        throw error;
      }
      logger.warn(
        `Listing Palette projects for ${userEntityRef} failed: ${error.message}`,
      );
      if (error.statusCode === 401) {
        res.setHeader(SpectroCloudSessionRequiredError.headerName, 'true');
        throw new SpectroCloudSessionRequiredError(
          'Palette ended the session: sign in again',
        );
      }
      res.status(error.statusCode).json({
        error: { name: error.errorName, message: error.message },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode: error.statusCode },
      });
    }
  });

  return router;
}
