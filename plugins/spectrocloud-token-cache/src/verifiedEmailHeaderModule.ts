import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readTokenCacheSettings } from './config';
import { getSessionTokenByEmail, storeSessionToken } from './seedApi';
import { SpectroCloudSessionRequiredError } from './sessionRequired';
import { spectroCloudTokenCacheServiceRef } from './serviceRef';
import { SessionRecord } from './sessions/types';

const EMAIL_HEADER = 'x-spectrocloud-user-email';
const TOKEN_HEADER = 'x-spectrocloud-token';

/** Puts the session's token in this process's view; `true` when the view now holds it. */
function putInView(session: SessionRecord): boolean {
  const { token, expiresAt } = session.sessionToken!;
  try {
    storeSessionToken(session.email, token, expiresAt);
    return getSessionTokenByEmail(session.email) === token;
  } catch {
    return false; // an unusable record (no email): treated as no session
  }
}

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
 * `backend.add(spectroCloudVerifiedEmailHeaderModule)`. Without that setting the module throws at
 * startup (the backend does not start): the plugin would find no user token and call Palette with
 * its shared `apiToken` for every signed-in user. It relies on Backstage initialising a
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
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        tokenCache: spectroCloudTokenCacheServiceRef,
      },
      async init({ config, httpAuth, httpRouter, tokenCache }) {
        if (!readTokenCacheSettings(config).legacyGlobalMap) {
          // Without the map the plugin finds no user token and calls Palette with its shared
          // apiToken for every signed-in user: refuse to start rather than serve that.
          throw new Error(
            'spectroCloudVerifiedEmailHeaderModule needs spectrocloud.tokenCache.legacyGlobalMap: true ' +
              '(the published spectrocloud-backend plugin reads user tokens only from the ' +
              'global map); set it, or remove the module',
          );
        }
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
          // The session may come from the shared store (signed in on another instance): put its
          // token in this process's view, where the plugin looks. A token that expired meanwhile
          // is not stored: without a token in the map the plugin would use its shared apiToken.
          if (!session?.sessionToken || !putInView(session)) {
            res.setHeader(SpectroCloudSessionRequiredError.headerName, 'true');
            next(new SpectroCloudSessionRequiredError());
            return;
          }
          req.headers[EMAIL_HEADER] = session.email;
          next();
        });
      },
    });
  },
});
