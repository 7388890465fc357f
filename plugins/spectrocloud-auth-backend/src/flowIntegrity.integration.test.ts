/**
 * Flow integrity through REAL backends: a flow started on one backend instance completes on
 * another with the same configuration (nothing of the flow lives in a process), replays are
 * refused, PKCE verifiers are fresh and never leave the back channel, and a hanging token
 * endpoint fails one sign-in within the timeout while others complete. Instances A and B share a
 * cache store (like a Redis cache); C has its own.
 */
import { MockPalette, startMockPalette } from '@internal/mock-palette';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './index';
import { cookie, cookiesSetWithValue } from './__testUtils__/browserCookies';
import { createLogCapture } from './__testUtils__/logCapture';
import { createSharedTokenCacheFactory } from './__testUtils__/sharedCache';
import {
  approveFlow,
  expectFrameError,
  framePayload,
  REFRESH_COOKIE,
  sendCallback,
  startFlow,
} from './__testUtils__/signInFlow';
import {
  ALICE,
  BOB,
  paletteProviderConfig,
  SpectroCloudTestBackend,
  forgetSessions,
  startSpectroCloudTestBackend,
} from './__testUtils__/testBackend';
import {
  startTokenEndpointProxy,
  TokenEndpointProxy,
} from './__testUtils__/tokenEndpointProxy';

jest.setTimeout(30_000);

const TIMEOUT_MS = 3000;
const { lines: logLines, logger } = createLogCapture();

let palette: MockPalette;
let proxy: TokenEndpointProxy;
const backends: Record<'A' | 'B' | 'C', SpectroCloudTestBackend> = {} as any;

beforeAll(async () => {
  palette = await startMockPalette({ port: 0 });
  proxy = await startTokenEndpointProxy(palette.tokenUrl);
  // One public callback URL, as behind a load balancer (each test backend listens on its own port).
  const providers = {
    development: paletteProviderConfig(palette, {
      tokenUrl: proxy.url,
      timeout: { milliseconds: TIMEOUT_MS },
      callbackUrl: 'http://localhost:7007/api/auth/spectrocloud/handler/frame',
    }),
  };
  const sharedCache = createSharedTokenCacheFactory();
  backends.A = await startSpectroCloudTestBackend({
    logger: logger.child({ instance: 'A' }),
    providers,
    features: [sharedCache],
  });
  backends.B = await startSpectroCloudTestBackend({
    logger: logger.child({ instance: 'B' }),
    providers,
    features: [sharedCache],
  });
  backends.C = await startSpectroCloudTestBackend({
    logger: logger.child({ instance: 'C' }),
    providers,
  });
}, 60_000);

afterAll(async () => {
  for (const backend of Object.values(backends)) {
    await backend.stop();
  }
  await proxy?.close();
  await palette?.close();
});

beforeEach(async () => {
  await forgetSessions();
  proxy.behaviour = { kind: 'forward' };
  proxy.behaviourFor = undefined;
});

function expectSignedIn(res: request.Response, email: string) {
  const payload = framePayload(res);
  expect(payload.error).toBeUndefined();
  expect(payload.response.profile.email).toBe(email);
  expect(cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeDefined();
  expect(cookiesSetWithValue(res, [REFRESH_COOKIE])).toHaveLength(1);
  return payload;
}

describe('stateless flows across backend instances', () => {
  it.each([
    ['A', 'B'],
    ['B', 'A'],
    ['A', 'C'],
  ] as const)('a flow started on %s completes on %s', async (first, second) => {
    const { flow } = await startFlow(backends[first].server, 'development');
    const code = await approveFlow(palette, flow, ALICE);
    const res = await sendCallback(
      backends[second].server,
      { code, state: flow.state },
      flow.nonceCookie,
    );
    const payload = expectSignedIn(res, ALICE);
    await expect(
      backends[second].tokenCache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toMatchObject({
      token: payload.response.providerInfo.accessToken,
    });
  });

  it('refuses a replay on another instance sharing the cache store before any token request', async () => {
    const { flow } = await startFlow(backends.A.server, 'development');
    const code = await approveFlow(palette, flow, BOB);
    expectSignedIn(
      await sendCallback(
        backends.B.server,
        { code, state: flow.state },
        flow.nonceCookie,
      ),
      BOB,
    );
    await forgetSessions();
    const tokenRequests = proxy.requests.length;
    await expectFrameError(
      await sendCallback(
        backends.A.server,
        { code, state: flow.state },
        flow.nonceCookie,
      ),
      /^This authorization response was already used; start the sign-in again$/,
      backends.A.tokenCache,
    );
    expect(proxy.requests.length).toBe(tokenRequests);
  });

  it("refuses a replay on an instance with its own cache through the provider's one-time code", async () => {
    const { flow } = await startFlow(backends.A.server, 'development');
    const code = await approveFlow(palette, flow, BOB);
    expectSignedIn(
      await sendCallback(
        backends.A.server,
        { code, state: flow.state },
        flow.nonceCookie,
      ),
      BOB,
    );
    await forgetSessions();
    const tokenRequests = proxy.requests.length;
    await expectFrameError(
      await sendCallback(
        backends.C.server,
        { code, state: flow.state },
        flow.nonceCookie,
      ),
      /^Palette token endpoint rejected the request: invalid_grant$/,
      backends.C.tokenCache,
    );
    expect(proxy.requests.length).toBe(tokenRequests + 1);
  });

  it('refuses a state that does not match the nonce cookie before any token request, on any instance', async () => {
    const victim = await startFlow(backends.A.server, 'development');
    const other = await startFlow(backends.B.server, 'development');
    const code = await approveFlow(palette, other.flow, ALICE);
    const tokenRequests = proxy.requests.length;
    await expectFrameError(
      await sendCallback(
        backends.B.server,
        { code, state: other.flow.state },
        victim.flow.nonceCookie,
      ),
      /^Invalid nonce$/,
      backends.B.tokenCache,
      'NotAllowedError',
    );
    expect(proxy.requests.length).toBe(tokenRequests);
  });
});

describe('PKCE', () => {
  it('uses a fresh S256 verifier per flow that appears only in the token request', async () => {
    const first = proxy.requests.length;
    const flows = [];
    for (let i = 0; i < 5; i += 1) {
      const started = await startFlow(backends.A.server, 'development');
      const code = await approveFlow(palette, started.flow, ALICE);
      expectSignedIn(
        await sendCallback(
          backends.A.server,
          { code, state: started.flow.state },
          started.flow.nonceCookie,
        ),
        ALICE,
      );
      flows.push(started);
    }
    const verifiers = proxy.requests
      .slice(first)
      .map(r => r.form.get('code_verifier')!);
    expect(new Set(verifiers).size).toBe(5);
    flows.forEach(({ flow, res }, i) => {
      const verifier = verifiers[i];
      // RFC 7636 §4.1: 43-128 unreserved characters (here 256 bits, base64url)
      expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      expect(flow.query.get('code_challenge_method')).toBe('S256');
      expect(flow.query.get('code_challenge')).toBe(
        createHash('sha256').update(verifier).digest('base64url'),
      );
      expect(res.headers.location).not.toContain(verifier);
      expect(JSON.stringify(res.headers)).not.toContain(verifier);
    });
    const logs = logLines.join('\n');
    for (const verifier of verifiers) {
      expect(logs).not.toContain(verifier);
    }
  });
});

describe('a hanging token endpoint', () => {
  it('fails its own sign-in within the timeout while concurrent sign-ins complete', async () => {
    const hung = await startFlow(backends.A.server, 'development');
    const hungCode = await approveFlow(palette, hung.flow, BOB);
    proxy.behaviourFor = form =>
      form.get('code') === hungCode ? { kind: 'hangBeforeHeaders' } : undefined;

    const started = Date.now();
    const hungResult = sendCallback(
      backends.B.server,
      { code: hungCode, state: hung.flow.state },
      hung.flow.nonceCookie,
    ).then(res => ({ res, elapsed: Date.now() - started }));

    const others = await Promise.all(
      (['A', 'B', 'C'] as const).map(async name => {
        const { flow } = await startFlow(backends[name].server, 'development');
        const code = await approveFlow(palette, flow, ALICE);
        const res = await sendCallback(
          backends[name].server,
          { code, state: flow.state },
          flow.nonceCookie,
        );
        return { res, elapsed: Date.now() - started };
      }),
    );
    for (const { res, elapsed } of others) {
      expectSignedIn(res, ALICE);
      expect(elapsed).toBeLessThan(TIMEOUT_MS);
    }

    const { res, elapsed } = await hungResult;
    await forgetSessions();
    const payload = framePayload(res);
    expect(payload.error).toEqual({
      name: 'AuthenticationError',
      message: `Palette did not answer within ${TIMEOUT_MS} ms`,
    });
    expect(cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeUndefined();
    expect(cookiesSetWithValue(res, [REFRESH_COOKIE])).toEqual([]);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
  });
});
