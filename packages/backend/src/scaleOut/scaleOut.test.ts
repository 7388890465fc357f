/*
 * Scale-out test: two example-backend processes sharing PostgreSQL and Redis behind a
 * round-robin proxy, with the shared tier of the token cache on. Sign in through instance A, use
 * the Palette session token on instance B; restart both and use it again; lose Redis and get it
 * back. Needs `redis-server` and PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); outside
 * CI it is skipped when they are missing. Everything it starts is stopped in afterAll, and its
 * databases (unique prefix per run) are dropped.
 */
import { MockPalette, startMockPalette } from '@internal/mock-palette';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import {
  BackendProcess,
  startBackendProcess,
} from './__testUtils__/backendProcess';
import { signInOverHttp, SignInResult } from './__testUtils__/oauthSignIn';
import {
  RoundRobinProxy,
  startRoundRobinProxy,
} from './__testUtils__/roundRobinProxy';
import {
  dropDatabases,
  freePort,
  PG_HOST,
  PG_PORT,
  servicesAvailable,
  startRedisServer,
} from './__testUtils__/services';

const services = servicesAvailable();
if (!services.ok && process.env.CI) {
  throw new Error(`scale-out test: missing ${services.missing.join(', ')}`);
}
if (!services.ok) {
  // eslint-disable-next-line no-console
  console.warn(
    `scale-out test skipped: missing ${services.missing.join(', ')}`,
  );
}
const describeWithServices = services.ok ? describe : describe.skip;

const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const DB_PREFIX = `sctc_scaleout_${RUN_ID}_`;
const STARTUP_TIMEOUT_MS = 180_000;
const ALICE_PROJECTS = [
  { uid: '65a1a11ce0000000000001a1', name: 'alice-dev' },
  { uid: '65a1a11ce0000000000001a2', name: 'payments' },
];
const BOB_PROJECTS = [{ uid: '65b0b0b0e0000000000001b1', name: 'bob-sandbox' }];
const OUTAGE_WARNING =
  'SpectroCloud token cache: the shared cache store failed';
const RECOVERY_INFO =
  'SpectroCloud token cache: the shared cache store answers again';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function projectsOn(base: string, backstageToken: string) {
  const res = await fetch(`${base}/api/spectrocloud-demo/projects`, {
    headers: { Authorization: `Bearer ${backstageToken}` },
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: await res.json() };
}

describeWithServices('several backend instances (scale-out)', () => {
  let palette: MockPalette | undefined;
  let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let proxy: RoundRobinProxy | undefined;
  let a: BackendProcess | undefined;
  let b: BackendProcess | undefined;
  let configDir: string | undefined;
  let configPaths: string[] = [];
  let portA = 0;
  let portB = 0;
  let redisPort = 0;
  /** Palette session tokens seen in this run: they must never reach a log. */
  const sessionTokens = new Set<string>();
  const outputs: string[] = [];
  const started = Date.now();

  const startA = () =>
    startBackendProcess({
      name: 'A',
      port: portA,
      configPaths: [...configPaths, join(configDir!, 'a.json')],
      timeoutMs: STARTUP_TIMEOUT_MS,
    });
  const startB = () =>
    startBackendProcess({
      name: 'B',
      port: portB,
      configPaths: [...configPaths, join(configDir!, 'b.json')],
      timeoutMs: STARTUP_TIMEOUT_MS,
    });

  async function stopBackends() {
    const running = [a, b].filter((x): x is BackendProcess => !!x);
    await Promise.all(running.map(x => x.stop()));
    outputs.push(...running.map(x => x.output()));
  }

  /** Signs `email` in, retrying while the catalog has not ingested the demo users yet. */
  async function signIn(email: string, startBase: string, frameBase: string) {
    const deadline = Date.now() + 90_000;
    let result: SignInResult;
    for (;;) {
      result = await signInOverHttp({
        palette: palette!,
        email,
        startBase,
        frameBase,
      });
      if (result.backstageToken || Date.now() > deadline) break;
      await sleep(1000);
    }
    expect(result.error).toBeUndefined();
    if (result.paletteSessionToken)
      sessionTokens.add(result.paletteSessionToken);
    return result;
  }

  beforeAll(async () => {
    palette = await startMockPalette({ port: 0 });
    [portA, portB, redisPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    redis = await startRedisServer(redisPort);
    proxy = await startRoundRobinProxy(await freePort(), [
      `http://127.0.0.1:${portA}`,
      `http://127.0.0.1:${portB}`,
    ]);

    configDir = mkdtempSync(join(tmpdir(), 'sctc-scaleout-'));
    const shared = {
      app: { baseUrl: 'http://localhost:3000' },
      backend: {
        // Both instances live behind the proxy: the OAuth callback and discovery use its URL.
        baseUrl: proxy.url,
        database: {
          client: 'pg',
          connection: { host: PG_HOST, port: PG_PORT, user: 'postgres' },
          prefix: DB_PREFIX,
        },
        cache: { store: 'redis', connection: redis.url },
      },
      auth: {
        providers: {
          spectrocloud: {
            development: {
              clientId: palette.clientId,
              clientSecret: palette.clientSecret,
              authorizationUrl: palette.authorizationUrl,
            },
          },
        },
      },
      spectrocloud: {
        apiUrl: palette.url,
        tokenCache: {
          shared: true,
          encryptionKeys: [randomBytes(32).toString('base64')],
          keyHashSecret: randomBytes(32).toString('base64'),
          namespace: `spectrocloud-token-cache-${RUN_ID}`,
          sharedTimeout: '500ms',
          sharedRetryInterval: '1s',
        },
      },
    };
    writeFileSync(join(configDir, 'shared.json'), JSON.stringify(shared));
    for (const [name, port] of [
      ['a', portA],
      ['b', portB],
    ] as const) {
      writeFileSync(
        join(configDir, `${name}.json`),
        JSON.stringify({ backend: { listen: { port, host: '127.0.0.1' } } }),
      );
    }
    configPaths = [
      resolvePath(__dirname, '../../../../app-config.yaml'),
      join(configDir, 'shared.json'),
    ];

    // First start one after the other: both would create and migrate the same new databases.
    a = await startA();
    b = await startB();
  }, 2 * STARTUP_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await stopBackends().catch(() => {});
    await proxy?.close();
    await redis?.stop();
    await palette?.close();
    await dropDatabases(DB_PREFIX).catch(error =>
      // eslint-disable-next-line no-console
      console.warn(
        `scale-out test: could not drop databases ${DB_PREFIX}*: ${error}`,
      ),
    );
    if (configDir) rmSync(configDir, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.info(
      `scale-out test took ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, 60_000);

  it(
    'signs in through A and lists the Palette projects on B',
    async () => {
      const alice = await signIn('alice@example.com', a!.url, a!.url);
      expect(alice.userEntityRef).toBe('user:default/alice');

      // B never saw alice: its in-process tier is empty, the shared tier (Redis) has her token.
      const onB = await projectsOn(b!.url, alice.backstageToken!);
      expect(onB).toEqual({ status: 200, body: { items: ALICE_PROJECTS } });

      // Through the round-robin proxy every call succeeds, whichever instance answers.
      proxy!.hits.forEach((_, k) => proxy!.hits.set(k, 0));
      for (let i = 0; i < 4; i++) {
        expect(await projectsOn(proxy!.url, alice.backstageToken!)).toEqual({
          status: 200,
          body: { items: ALICE_PROJECTS },
        });
      }
      expect([...proxy!.hits.values()]).toEqual([2, 2]);

      // A sign-in flow can start on one instance and finish on the other (round robin).
      const bob = await signIn('bob@example.com', proxy!.url, proxy!.url);
      expect(bob.userEntityRef).toBe('user:default/bob');
      for (const base of [a!.url, b!.url]) {
        expect(await projectsOn(base, bob.backstageToken!)).toEqual({
          status: 200,
          body: { items: BOB_PROJECTS },
        });
      }
      // Alice's Backstage token still gets alice's projects, never bob's.
      expect(
        (await projectsOn(b!.url, alice.backstageToken!)).body.items,
      ).toEqual(ALICE_PROJECTS);

      // Restart both: nothing is left in any process, the token is still there.
      await stopBackends();
      [a, b] = await Promise.all([startA(), startB()]);
      for (const base of [b!.url, a!.url, proxy!.url]) {
        expect(await projectsOn(base, alice.backstageToken!)).toEqual({
          status: 200,
          body: { items: ALICE_PROJECTS },
        });
      }
    },
    2 * STARTUP_TIMEOUT_MS + 120_000,
  );

  it('keeps signing in while Redis is down, then shares tokens again once it is back', async () => {
    // Exercises Backstage's real `redis` cache store (whose client does not reconnect by itself,
    // backstage/backstage#31742). Every cache call on the sign-in path must be bounded, including
    // the auth module's own callback replay guard on `coreServices.cache`.
    await redis!.stop();

    // Sign-in on A still works; A serves bob from its in-process tier.
    const bob = await signIn('bob@example.com', a!.url, a!.url);
    expect(await projectsOn(a!.url, bob.backstageToken!)).toEqual({
      status: 200,
      body: { items: BOB_PROJECTS },
    });
    // B cannot know (Redis is gone): a clean 404, not a hang or a 500.
    const whileDown = await projectsOn(b!.url, bob.backstageToken!);
    expect(whileDown.status).toBe(404);
    expect(a!.output().split(OUTAGE_WARNING).length - 1).toBe(1);

    // Redis is back (empty: no persistence). A new sign-in reaches it and B finds the token.
    redis = await startRedisServer(redisPort);
    await sleep(1200);
    const again = await signIn('bob@example.com', a!.url, a!.url);
    const deadline = Date.now() + 20_000;
    let onB = await projectsOn(b!.url, again.backstageToken!);
    while (onB.status !== 200 && Date.now() < deadline) {
      await sleep(500);
      onB = await projectsOn(b!.url, again.backstageToken!);
    }
    expect(onB).toEqual({ status: 200, body: { items: BOB_PROJECTS } });
    expect(a!.output()).toContain(RECOVERY_INFO);
    expect(a!.output().split(OUTAGE_WARNING).length - 1).toBe(1);
  }, 120_000);

  it('never logged a Palette session token', async () => {
    await stopBackends();
    a = b = undefined;
    const logs = outputs.join('\n');
    expect(logs).toContain('shared tier on backend.cache.store');
    expect(sessionTokens.size).toBeGreaterThan(0);
    for (const token of sessionTokens) {
      expect(logs).not.toContain(token);
    }
  }, 60_000);
});
