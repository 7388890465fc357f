import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { MockPalette } from '@internal/mock-palette';
import { JsonObject } from '@backstage/types';
import {
  SpectroCloudTokenCache,
  spectroCloudTokenCacheServiceRef,
} from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { getProcessTokenStore } from '@terasky/backstage-plugin-spectrocloud-token-cache/legacy';
import authModuleSpectroCloudProvider from '../index';

/** The demo users of the catalog used by the integration tests. */
export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
/** In the mock Palette, not in the catalog. */
export const MALLORY = 'mallory@example.com';

/** The token cache of every test backend started in this test file. */
const startedCaches = new Set<SpectroCloudTokenCache>();

/**
 * Ends every session of the demo users on every test backend of this file, and empties the
 * compatibility map: a test starts without anyone signed in.
 */
export async function forgetSessions(): Promise<void> {
  for (const cache of startedCaches) {
    for (const email of [ALICE, BOB, MALLORY]) {
      await cache.deleteSessionToken({
        email,
        userEntityRef: `user:default/${email.split('@')[0]}`,
      });
    }
  }
  getProcessTokenStore().clear();
}

/** A catalog `User` entity with `spec.profile.email`. */
export function userEntity(name: string, email?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: email ? { email } : {}, memberOf: [] },
  };
}

/** A provider block for `palette` (client, authorization URL, email resolver) plus `extra`. */
export function paletteProviderConfig(
  palette: MockPalette,
  extra: JsonObject = {},
): JsonObject {
  return {
    clientId: palette.clientId,
    clientSecret: palette.clientSecret,
    authorizationUrl: palette.authorizationUrl,
    signIn: {
      resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }],
    },
    ...extra,
  };
}

/**
 * Destroys the auth plugin's database client when the test backend stops. Backstage's database
 * manager deliberately leaves SQLite clients open on shutdown, and knex's pool then keeps a
 * 1-second reaping interval alive forever: the jest worker could not exit ("A worker process has
 * failed to exit gracefully").
 */
const closeAuthDatabaseOnShutdown = createBackendModule({
  pluginId: 'auth',
  moduleId: 'test-close-database',
  register(reg) {
    reg.registerInit({
      deps: {
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
      },
      async init({ database, lifecycle }) {
        lifecycle.addShutdownHook(async () => {
          await (await database.getClient()).destroy();
        });
      },
    });
  },
});

/** A running backend with the auth plugin and this module. */
export interface SpectroCloudTestBackend {
  /** The HTTP server, for supertest. */
  server: any;
  /** The token cache service instance of this backend. */
  tokenCache: SpectroCloudTokenCache;
  stop(): Promise<void>;
}

/**
 * Starts the REAL auth backend (auth plugin + this module, `startTestBackend`) with one
 * `auth.providers.spectrocloud.<env>` block per entry of `providers`, the catalog users alice and
 * bob (unless `entities` is given) and `logger` as root logger (every plugin logs through it).
 * `backend.baseUrl` is `http://localhost:7007`, so the callback URL is
 * `http://localhost:7007/api/auth/spectrocloud/handler/frame` whatever the real port.
 */
export async function startSpectroCloudTestBackend(options: {
  providers: Record<string, JsonObject>;
  logger: LoggerService;
  entities?: Entity[];
  /** More features or service factories (e.g. a shared cache service). */
  features?: Array<
    Parameters<typeof startTestBackend>[0]['features'] extends
      | Array<infer F>
      | undefined
      ? F
      : never
  >;
}): Promise<SpectroCloudTestBackend> {
  const { logger } = options;
  let tokenCache: SpectroCloudTokenCache | undefined;
  const backend = await startTestBackend({
    features: [
      authPlugin,
      authModuleSpectroCloudProvider,
      closeAuthDatabaseOnShutdown,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: 'http://localhost:7007' },
          auth: {
            environment: Object.keys(options.providers)[0],
            providers: { spectrocloud: options.providers },
          },
        },
      }),
      catalogServiceMock.factory({
        entities: options.entities ?? [
          userEntity('alice', ALICE),
          userEntity('bob', BOB),
        ],
      }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger,
      }),
      createServiceFactory({
        service: coreServices.logger,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => logger.child({ plugin: plugin.getId() }),
      }),
      ...(options.features ?? []),
      createBackendModule({
        pluginId: 'auth',
        moduleId: 'test-token-cache-probe',
        register(reg) {
          reg.registerInit({
            deps: { cache: spectroCloudTokenCacheServiceRef },
            async init({ cache }) {
              tokenCache = cache;
            },
          });
        },
      }),
    ],
  });
  startedCaches.add(tokenCache!);
  return {
    server: backend.server,
    tokenCache: tokenCache!,
    stop: () => backend.stop(),
  };
}
