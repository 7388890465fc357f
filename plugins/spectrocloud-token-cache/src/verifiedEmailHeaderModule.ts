import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { storeSessionToken } from './seedApi';
import { SpectroCloudSessionRequiredError } from './sessionRequired';
import { spectroCloudTokenCacheServiceRef } from './serviceRef';

const EMAIL_HEADER = 'x-spectrocloud-user-email';
const TOKEN_HEADER = 'x-spectrocloud-token';

/**
 * A backend module for the published `@terasky/backstage-plugin-spectrocloud-backend` (plugin id
 * `spectrocloud`, routes under `/api/spectrocloud`) that makes its per-user Palette calls safe:
 * on every request to that plugin, before its own router runs, it
 *
 * - removes `x-spectrocloud-token` (a raw Palette token the plugin would otherwise use as sent),
 * - replaces `x-spectrocloud-user-email` (the plugin picks the token from
 *   `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` by this header) with the email of the caller's own
 *   newest live SpectroCloud session, found by the user entity ref of the caller's verified
 *   Backstage credentials (`httpAuth.credentials(req, { allow: ['user'] })`), and puts that
 *   session's token in this process's map (the session may come from the shared store),
 * - answers a user without a live session with 401 `SpectroCloudSessionRequiredError` and
 *   `X-SpectroCloud-ReAuth-Required: true` (instead of letting the plugin fall back to its
 *   configured `apiToken`).
 *
 * Requests without user credentials (the plugin's unauthenticated `/health`, service-to-service
 * calls) pass with both headers removed, so the plugin uses its `apiToken` as it does for them.
 *
 * @remarks
 * Install it next to that plugin, with `spectrocloud.tokenCache.legacyGlobalMap: true` (the map is
 * the only place that plugin reads tokens from):
 * `backend.add(spectroCloudVerifiedEmailHeaderModule)`. It relies on Backstage initialising a
 * plugin's modules before the plugin, so its middleware is added to the plugin's router first.
 * It does not stop other code in the process from reading the global map.
 * @public
 */
export const spectroCloudVerifiedEmailHeaderModule = createBackendModule({
  pluginId: 'spectrocloud',
  moduleId: 'verified-user-email',
  register(reg) {
    reg.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        tokenCache: spectroCloudTokenCacheServiceRef,
      },
      async init({ httpAuth, httpRouter, tokenCache }) {
        httpRouter.use(async (req, res, next) => {
          delete req.headers[TOKEN_HEADER];
          delete req.headers[EMAIL_HEADER];
          let userEntityRef: string;
          try {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            userEntityRef = credentials.principal.userEntityRef;
          } catch {
            next(); // no user: the plugin's own auth policy and apiToken apply
            return;
          }
          const session = await tokenCache.sessions
            .newestLive({ userEntityRef })
            .catch(() => undefined); // store down: treated as no session
          if (!session?.sessionToken) {
            res.setHeader(SpectroCloudSessionRequiredError.headerName, 'true');
            next(new SpectroCloudSessionRequiredError());
            return;
          }
          // The session may come from the shared store (signed in on another instance): put its
          // token in this process's view, where the plugin looks.
          storeSessionToken(
            session.email,
            session.sessionToken.token,
            session.sessionToken.expiresAt,
          );
          req.headers[EMAIL_HEADER] = session.email;
          next();
        });
      },
    });
  },
});
