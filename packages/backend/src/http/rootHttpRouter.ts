import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { createRedactingRequestLogger } from './redactingRequestLogger';

/**
 * The default root HTTP router of backend-defaults, with one change: its request log redacts
 * query values (authorization codes, OAuth state, emails in catalog filters), see
 * {@link createRedactingRequestLogger}. Everything else comes from `applyDefaults()`.
 */
export const redactingRootHttpRouterServiceFactory =
  rootHttpRouterServiceFactory({
    configure(context) {
      // applyDefaults() calls `logging()` on this very MiddlewareFactory instance.
      context.middleware.logging = () =>
        createRedactingRequestLogger(context.logger);
      context.applyDefaults();
    },
  });
