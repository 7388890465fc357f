import { LoggerService } from '@backstage/backend-plugin-api';
import { RequestHandler } from 'express';
import { createRedactingRequestLogger } from './redactingRequestLogger';

/**
 * A `configure` callback for backend-defaults' `rootHttpRouterServiceFactory`: the portal's
 * request log keeps its format (`"GET /path HTTP/1.1" 200 123 "referrer" "user agent"`, metadata
 * `type: 'incomingRequest'`), but every query value of the URL and of the referrer is replaced by
 * `<redacted>`, so the log holds no authorization code or OAuth state (`/handler/frame?code=...`;
 * with Palette's "code is the session token" mode the code is a live credential) and no email
 * (the sign-in resolver's `/api/catalog/entities?filter=spec.profile.email=...`).
 *
 * @example
 * ```ts
 * // packages/backend/src/index.ts
 * import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
 * import { configureRedactedRequestLog } from '@terasky/backstage-plugin-spectrocloud-auth-backend';
 *
 * backend.add(rootHttpRouterServiceFactory({ configure: configureRedactedRequestLog }));
 * ```
 *
 * @remarks
 * It replaces `context.middleware.logging` and then calls `context.applyDefaults()` (helmet, CORS,
 * compression, the log, routes, not-found and error handlers: everything else stays as
 * backend-defaults makes it). A portal with a `configure` of its own calls this function in it
 * instead of `applyDefaults()`. Structurally typed (no import of `@backstage/backend-defaults`),
 * so this package does not depend on backend-defaults: the portal's own copy is used.
 *
 * @param context - the `RootHttpRouterConfigureContext` backend-defaults passes to `configure`;
 *   only `logger`, `middleware.logging` and `applyDefaults` are used.
 * @public
 */
export function configureRedactedRequestLog(context: {
  logger: LoggerService;
  middleware: { logging(): RequestHandler };
  applyDefaults(): void;
}): void {
  context.middleware.logging = () =>
    createRedactingRequestLogger(context.logger);
  context.applyDefaults();
}
