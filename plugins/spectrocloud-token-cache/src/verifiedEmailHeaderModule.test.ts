import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { getGlobalTokenMap } from './globalTokenMap';
import { InProcessTokenStore } from './InProcessTokenStore';
import { getProcessTokenStore, setProcessTokenStore } from './seedApi';
import { spectroCloudTokenCacheServiceRef } from './serviceRef';
import { SessionRecord } from './sessions/types';
import { spectroCloudVerifiedEmailHeaderModule } from './verifiedEmailHeaderModule';

const ALICE_REF = 'user:default/alice';

/**
 * A stand-in for the published plugin (id `spectrocloud`): like it, it reads the email header and
 * looks the token up in the global map; it answers what it found.
 */
const lookalikePlugin = createBackendPlugin({
  pluginId: 'spectrocloud',
  register(reg) {
    reg.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.use((req, res) => {
          const email = req.headers['x-spectrocloud-user-email'] as string;
          res.json({
            email: email ?? null,
            token: (email && getGlobalTokenMap().get(email)?.token) ?? null,
          });
        });
      },
    });
  },
});

/** A backend whose token cache finds `session` as alice's newest live session. */
async function startGuarded(session: Partial<SessionRecord> | undefined) {
  const backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: { spectrocloud: { tokenCache: { legacyGlobalMap: true } } },
      }),
      createServiceFactory({
        service: spectroCloudTokenCacheServiceRef,
        deps: {},
        factory: () =>
          ({
            sessions: {
              newestLive: async ({
                userEntityRef,
              }: {
                userEntityRef: string;
              }) => (userEntityRef === ALICE_REF ? session : undefined),
            },
          } as any),
      }),
      spectroCloudVerifiedEmailHeaderModule,
      lookalikePlugin,
    ],
  });
  const { port } = backend.server.address() as { port: number };
  const get = () =>
    fetch(`http://localhost:${port}/api/spectrocloud/clusters`, {
      headers: {
        authorization: mockCredentials.user.header(ALICE_REF),
        'x-spectrocloud-user-email': 'bob@example.com',
      },
    });
  return { backend, get };
}

describe('spectroCloudVerifiedEmailHeaderModule', () => {
  const original = getProcessTokenStore();
  beforeEach(() => {
    getGlobalTokenMap().clear();
    setProcessTokenStore(
      new InProcessTokenStore({ sweepIntervalMs: 0, legacyGlobalMap: true }),
    );
  });
  afterAll(() => setProcessTokenStore(original));

  it("hands the plugin the caller's own email, with that session's token in the map", async () => {
    const { backend, get } = await startGuarded({
      email: 'alice@example.com',
      sessionToken: {
        token: 'palette-session-a',
        expiresAt: Math.floor(Date.now() / 1000) + 600,
      },
    });
    const res = await get();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      email: 'alice@example.com',
      token: 'palette-session-a',
    });
    await backend.stop();
  });

  it('answers 401 with the re-auth header when the token expires before it reaches the map (never a header without a token)', async () => {
    // live for the session store, already expired by the time the view stores it: without a
    // token in the map the published plugin would call Palette with its shared apiToken
    const { backend, get } = await startGuarded({
      email: 'alice@example.com',
      sessionToken: {
        token: 'palette-session-a',
        expiresAt: Math.floor(Date.now() / 1000),
      },
    });
    const res = await get();
    expect(res.status).toBe(401);
    expect(res.headers.get('x-spectrocloud-reauth-required')).toBe('true');
    expect((await res.json()).error.name).toBe(
      'SpectroCloudSessionRequiredError',
    );
    await backend.stop();
  });
});
