/*
 * Scale-out test: two example-backend processes sharing PostgreSQL and Redis behind a
 * round-robin proxy, with the shared tier of the token cache on. Sign in through instance A, use
 * the Palette session token on instance B; restart both and use it again; lose Redis and get it
 * back. Starts its own redis-server and PostgreSQL cluster (@internal/test-services): outside CI it
 * is skipped when their binaries are missing. Everything it starts is stopped in afterAll.
 */
import { MockPalette, startMockPalette } from '@internal/mock-palette';
import {
  describeWithServices as describeIfInstalled,
  freePort,
  PostgresServer,
  RedisServer,
  startPostgresServer,
  startRedisServer,
} from '@internal/test-services';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import {
  BackendProcess,
  startBackendProcess,
} from './__testUtils__/backendProcess';
import {
  authCall,
  replayCallback,
  signInOverHttp,
  SignInResult,
} from './__testUtils__/oauthSignIn';
import {
  RoundRobinProxy,
  startRoundRobinProxy,
} from './__testUtils__/roundRobinProxy';

const describeWithServices = describeIfInstalled('redis', 'postgres');

const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
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

/** Whose Palette session token this is, asked of the (mock) Palette itself. */
async function paletteUserOf(palette: MockPalette, sessionToken: string) {
  const res = await fetch(`${palette.url}/v1/users/me`, {
    headers: { Authorization: sessionToken },
    signal: AbortSignal.timeout(10_000),
  });
  return res.ok ? ((await res.json()).spec.emailId as string) : undefined;
}

/** Cookies a response set to a value (clearing ones excluded). */
function cookiesWithValue(setCookies: string[]): string[] {
  return setCookies
    .map(c => c.split(';')[0])
    .filter(pair => pair.slice(pair.indexOf('=') + 1) !== '');
}

/** Status of the demo's projects call; `401 re-auth` for the "sign in again" signal. */
async function projectsOn(base: string, backstageToken: string) {
  const res = await fetch(`${base}/api/spectrocloud-demo/projects`, {
    headers: { Authorization: `Bearer ${backstageToken}` },
    signal: AbortSignal.timeout(30_000),
  });
  const reAuth = res.headers.get('x-spectrocloud-reauth-required') === 'true';
  return {
    status: reAuth ? `${res.status} re-auth` : res.status,
    body: await res.json(),
  };
}

describeWithServices('several backend instances (scale-out)', () => {
  let palette: MockPalette | undefined;
  let redis: RedisServer | undefined;
  let postgres: PostgresServer | undefined;
  let proxy: RoundRobinProxy | undefined;
  let a: BackendProcess | undefined;
  let b: BackendProcess | undefined;
  let configDir: string | undefined;
  let configPaths: string[] = [];
  let portA = 0;
  let portB = 0;
  /** Palette session tokens seen in this run: they must never reach a log. */
  const sessionTokens = new Set<string>();
  const outputs: string[] = [];
  const signedIn: SignInResult[] = [];
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
    signedIn.push(result);
    return result;
  }

  /** Logs out every session `signIn` made so far: the next test starts with nobody signed in. */
  async function logoutEveryone() {
    for (const session of signedIn.splice(0)) {
      await authCall(a!.url, 'logout', session.jar);
    }
  }

  beforeAll(async () => {
    palette = await startMockPalette({ port: 0 });
    [portA, portB] = await Promise.all([freePort(), freePort()]);
    [redis, postgres] = await Promise.all([
      startRedisServer(),
      startPostgresServer(),
    ]);
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
        database: { client: 'pg', connection: postgres.connection },
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
    await postgres?.stop();
    await palette?.close();
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

      // Restart both: nothing is left in any process, the session is still there.
      await stopBackends();
      [a, b] = await Promise.all([startA(), startB()]);
      for (const base of [b!.url, a!.url, proxy!.url]) {
        expect(await projectsOn(base, alice.backstageToken!)).toEqual({
          status: 200,
          body: { items: ALICE_PROJECTS },
        });
      }
      for (const base of [a!.url, b!.url]) {
        const refresh = await authCall(base, 'refresh', alice.jar);
        expect(refresh.status).toBe(200);
        expect(refresh.body.providerInfo.accessToken).toBe(
          alice.paletteSessionToken,
        );
      }
    },
    2 * STARTUP_TIMEOUT_MS + 120_000,
  );

  // ---- issue 10: one session record per sign-in ------------------------------------------------
  // Each test below reproduces one of the numbered failures of issue 10 over HTTP.

  it('(1, and logout on A then refresh on B) a logged-out session is dead everywhere, for a copied jar too', async () => {
    await logoutEveryone();
    const alice = await signIn('alice@example.com', a!.url, a!.url);
    // A figure, not an assertion: the cost of a refresh without renewal (record read in Redis).
    const costs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      expect(
        (await authCall([a, b][i % 2]!.url, 'refresh', alice.jar)).status,
      ).toBe(200);
      costs.push(performance.now() - t0);
    }
    costs.sort((x, y) => x - y);
    // eslint-disable-next-line no-console
    console.info(
      `refresh without renewal: median ${costs[20].toFixed(
        1,
      )} ms, p95 ${costs[38].toFixed(1)} ms`,
    );
    const stolen = alice.jar.copy();
    const logout = await authCall(a!.url, 'logout', alice.jar);
    expect(logout.status).toBe(200);
    alice.jar.apply(logout.setCookies);
    expect(alice.jar.cookies.has('spectrocloud-refresh-token')).toBe(false);
    expect(alice.jar.cookies.has('spectrocloud-api-token')).toBe(false);

    for (const base of [a!.url, b!.url, proxy!.url, proxy!.url]) {
      const refresh = await authCall(base, 'refresh', stolen);
      expect(refresh.status).toBe(401);
      // nothing re-set, no token handed out
      expect(cookiesWithValue(refresh.setCookies)).toEqual([]);
      expect(JSON.stringify(refresh.body)).not.toContain('eyJ');
    }
    // and the Palette token is gone from every lookup
    expect((await projectsOn(a!.url, alice.backstageToken!)).status).toBe(
      '401 re-auth',
    );
    expect((await projectsOn(b!.url, alice.backstageToken!)).status).toBe(
      '401 re-auth',
    );
  });

  it('(2) after logout on A, B no longer serves the token it used before', async () => {
    await logoutEveryone();
    const bob = await signIn('bob@example.com', a!.url, a!.url);
    // B uses the token first (any in-process copy would be made now)
    expect((await projectsOn(b!.url, bob.backstageToken!)).status).toBe(200);
    expect((await authCall(a!.url, 'logout', bob.jar)).status).toBe(200);
    const statuses: Array<number | string> = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await projectsOn(proxy!.url, bob.backstageToken!)).status);
    }
    expect(statuses).toEqual([
      '401 re-auth',
      '401 re-auth',
      '401 re-auth',
      '401 re-auth',
    ]);
    expect((await projectsOn(b!.url, bob.backstageToken!)).status).toBe(
      '401 re-auth',
    );
  });

  it('(3) a renewal is done once across instances, and every instance serves the renewed token', async () => {
    palette!.settings.sessionTokenLifetimeSeconds = 120; // inside the 300 s renewal window
    try {
      const alice = await signIn('alice@example.com', a!.url, a!.url);
      palette!.settings.sessionTokenLifetimeSeconds = 900; // renewed tokens: outside the window
      palette!.resetCalls();
      const onA = await authCall(a!.url, 'refresh', alice.jar);
      expect(onA.status).toBe(200);
      const renewed = onA.body.providerInfo.accessToken;
      sessionTokens.add(renewed);
      expect(renewed).not.toBe(alice.paletteSessionToken);
      expect(palette!.calls.refresh).toBe(1);
      // B, which may have seen the old token, renews nothing and hands out A's renewal
      const onB = await authCall(b!.url, 'refresh', alice.jar);
      expect(onB.status).toBe(200);
      expect(onB.body.providerInfo.accessToken).toBe(renewed);
      expect(palette!.calls.refresh).toBe(1);

      // Simultaneous refreshes of one session on A and B: one renewal. A refresh that loses the
      // renewal lock answers at once with the still valid token; the next ones all get the new one.
      palette!.settings.sessionTokenLifetimeSeconds = 120;
      const bob = await signIn('bob@example.com', a!.url, a!.url);
      palette!.settings.sessionTokenLifetimeSeconds = 900;
      palette!.resetCalls();
      const results = await Promise.all(
        [a, b, a, b, a, b].map(x => authCall(x!.url, 'refresh', bob.jar)),
      );
      expect(results.map(r => r.status)).toEqual(Array(6).fill(200));
      const handedOut = results.map(r => r.body.providerInfo.accessToken);
      handedOut.forEach(t => sessionTokens.add(t));
      const newTokens = new Set(
        handedOut.filter(t => t !== bob.paletteSessionToken),
      );
      expect(newTokens.size).toBe(1);
      expect(palette!.calls.refresh).toBe(1);
      const [bobRenewed] = newTokens;
      for (const base of [a!.url, b!.url]) {
        const after = await authCall(base, 'refresh', bob.jar);
        expect(after.body.providerInfo.accessToken).toBe(bobRenewed);
      }
      expect(palette!.calls.refresh).toBe(1);
      for (const base of [a!.url, b!.url]) {
        expect(await projectsOn(base, bob.backstageToken!)).toEqual({
          status: 200,
          body: { items: BOB_PROJECTS },
        });
      }
    } finally {
      palette!.settings.sessionTokenLifetimeSeconds = 900;
    }
  });

  it('(4) logging out one device leaves the other devices of the user working', async () => {
    await logoutEveryone();
    const laptop = await signIn('alice@example.com', a!.url, a!.url);
    const phone = await signIn('alice@example.com', b!.url, b!.url);
    expect((await authCall(a!.url, 'logout', laptop.jar)).status).toBe(200);
    // the phone keeps working: its Palette calls, on both instances, and its refresh
    for (const base of [a!.url, b!.url]) {
      expect(await projectsOn(base, phone.backstageToken!)).toEqual({
        status: 200,
        body: { items: ALICE_PROJECTS },
      });
    }
    const refresh = await authCall(a!.url, 'refresh', phone.jar);
    expect(refresh.status).toBe(200);
    expect(refresh.body.providerInfo.accessToken).toBe(
      phone.paletteSessionToken,
    );
    expect((await authCall(b!.url, 'refresh', laptop.jar)).status).toBe(401);
    expect((await authCall(a!.url, 'logout', phone.jar)).status).toBe(200);
  });

  it('(6) cookie lifetimes and expiresInSeconds follow what they carry', async () => {
    palette!.settings.idTokenLifetimeSeconds = 300; // shorter than the session token (900 s)
    try {
      const alice = await signIn('alice@example.com', a!.url, a!.url);
      const apiMaxAge = alice.jar.maxAge('spectrocloud-api-token')!;
      expect(apiMaxAge).toBeGreaterThan(890);
      expect(apiMaxAge).toBeLessThanOrEqual(900);
      // sessionDuration default: 12 h, not Backstage's 1000 days
      expect(alice.jar.maxAge('spectrocloud-refresh-token')).toBe(12 * 3600);
      expect(alice.expiresInSeconds).toBeGreaterThan(290);
      expect(alice.expiresInSeconds).toBeLessThanOrEqual(300);
      const refresh = await authCall(b!.url, 'refresh', alice.jar);
      expect(refresh.body.providerInfo.expiresInSeconds).toBeLessThanOrEqual(
        300,
      );
      // The browser still holds the unchanged token: the refresh does not set the cookie again.
      expect(
        refresh.setCookies.filter(c => c.startsWith('spectrocloud-api-token=')),
      ).toEqual([]);
      // A browser that lost the cookie gets it back, with the session token's lifetime.
      const lost = alice.jar.copy();
      lost.cookies.delete('spectrocloud-api-token');
      const refreshLost = await authCall(b!.url, 'refresh', lost);
      expect(refreshLost.status).toBe(200);
      const reSet = lost.copy().apply(refreshLost.setCookies);
      expect(reSet.maxAge('spectrocloud-api-token')).toBeLessThanOrEqual(900);
      expect(reSet.maxAge('spectrocloud-api-token')).toBeGreaterThan(880);
    } finally {
      palette!.settings.idTokenLifetimeSeconds = 3600;
    }
  });

  it('200 concurrent sign-ins across both instances: no error, no cross-user token', async () => {
    const users = ['alice@example.com', 'bob@example.com'];
    const bases = [a!.url, b!.url];
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        signInOverHttp({
          palette: palette!,
          email: users[i % 2],
          startBase: bases[i % 2],
          frameBase: bases[(i >> 1) % 2],
        }).catch(error => ({ error: String(error) } as SignInResult)),
      ),
    );
    // eslint-disable-next-line no-console
    console.info(`200 concurrent sign-ins took ${Date.now() - t0} ms`);
    expect(results.filter(r => r.error).map(r => r.error)).toEqual([]);
    const owners = await Promise.all(
      results.map(r => paletteUserOf(palette!, r.paletteSessionToken!)),
    );
    results.forEach((r, i) => {
      sessionTokens.add(r.paletteSessionToken!);
      expect(owners[i]).toBe(users[i % 2]);
      expect(r.userEntityRef).toBe(
        `user:default/${users[i % 2].split('@')[0]}`,
      );
    });
    for (const [i, r] of results.slice(0, 20).entries()) {
      const refresh = await authCall(bases[(i + 1) % 2], 'refresh', r.jar);
      expect(refresh.status).toBe(200);
      expect(refresh.body.providerInfo.accessToken).toBe(r.paletteSessionToken);
    }
  }, 120_000);

  it('(5) a Redis outage fails sign-in and refresh with a clear 503-class error, and heals by itself', async () => {
    // Exercises Backstage's real `redis` cache store (whose client does not reconnect by itself,
    // backstage/backstage#31742): session records, the callback replay guard and renewal locks
    // all go through the token cache's resilient client, which builds a new one.
    const before = await signIn('bob@example.com', a!.url, a!.url);
    await redis!.stop();

    const down = await signInOverHttp({
      palette: palette!,
      email: 'bob@example.com',
      startBase: a!.url,
      frameBase: a!.url,
    });
    expect(down.errorName).toBe('ServiceUnavailableError');
    expect(
      cookiesWithValue([...down.jar.cookies.values()].map(c => c.setCookie)),
    ).toEqual([]);
    const refreshWhileDown = await authCall(b!.url, 'refresh', before.jar);
    expect(refreshWhileDown.status).toBe(503);
    // the session's cookies are kept: nothing says the session ended
    expect(cookiesWithValue(refreshWhileDown.setCookies)).toEqual([]);
    expect(
      refreshWhileDown.setCookies.filter(c => c.includes('refresh-token=;')),
    ).toEqual([]);
    // Palette lookups answer "sign in again" (never a token the store may have ended meanwhile)
    expect((await projectsOn(b!.url, before.backstageToken!)).status).toBe(
      '401 re-auth',
    );
    expect(a!.output().split(OUTAGE_WARNING).length - 1).toBe(1);

    // Redis is back (empty: no persistence, so earlier sessions are gone). No restart needed.
    redis = await startRedisServer({ port: redis!.port });
    const deadline = Date.now() + 20_000;
    let again = await signInOverHttp({
      palette: palette!,
      email: 'bob@example.com',
      startBase: a!.url,
      frameBase: a!.url,
    });
    while (again.error && Date.now() < deadline) {
      await sleep(500);
      again = await signInOverHttp({
        palette: palette!,
        email: 'bob@example.com',
        startBase: a!.url,
        frameBase: a!.url,
      });
    }
    expect(again.error).toBeUndefined();
    sessionTokens.add(again.paletteSessionToken!);
    // B heals on its next call after its retry interval (sharedRetryInterval: 1 s)
    let onB = await projectsOn(b!.url, again.backstageToken!);
    while (onB.status !== 200 && Date.now() < deadline) {
      await sleep(250);
      onB = await projectsOn(b!.url, again.backstageToken!);
    }
    expect(onB).toEqual({ status: 200, body: { items: BOB_PROJECTS } });
    // sign-in is as fast as before the outage (no per-call timeouts left behind)
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const r = await signIn('bob@example.com', a!.url, b!.url);
      timings.push(Date.now() - t0);
      // a callback replayed on the other instance is refused
      const replay = await replayCallback(a!.url, r.callback);
      expect(replay.error).toMatch(/already used/);
    }
    // eslint-disable-next-line no-console
    console.info(`sign-in after the outage: ${timings.join(', ')} ms`);
    expect(Math.min(...timings)).toBeLessThan(1000);
    for (const x of [a!, b!]) {
      expect(x.output().split(OUTAGE_WARNING).length - 1).toBeLessThanOrEqual(
        1,
      );
    }
    expect(a!.output()).toContain(RECOVERY_INFO);
  }, 120_000);

  it('never logged a Palette session token', async () => {
    await stopBackends();
    a = b = undefined;
    const logs = outputs.join('\n');
    expect(logs).toContain(
      'SpectroCloud token cache: sessions in backend.cache.store',
    );
    expect(sessionTokens.size).toBeGreaterThan(0);
    for (const token of sessionTokens) {
      expect(logs).not.toContain(token);
    }
  }, 60_000);
});
