/**
 * A hostile or broken Palette cannot stall the backend: the REAL backend against the mock Palette,
 * with the token, discovery, JWKS and session renewal endpoints pointed at a server that answers
 * 200 MB, a never-ending body, 1 byte / 0.5 s, 30 MB of valid JSON or an HTML page. For each: the
 * attacked request is answered within the timeout + 1 s with a clear error naming the endpoint
 * and the limit, nothing is cached or cookied, the hostile response's socket is closed by the
 * backend, and unrelated requests to the same backend keep answering meanwhile.
 */
import {
  HOSTILE_BODIES,
  HostileBody,
  HostileBodyServer,
  MockPalette,
  startHostileBodyServer,
  startMockPalette,
} from '@internal/mock-palette';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import request from 'supertest';
import { CookieJar } from './__testUtils__/browserCookies';
import { createLogCapture } from './__testUtils__/logCapture';
import {
  approveFlow,
  AUTH,
  expectFrameError,
  expectNothingCachedOrCookied,
  framePayload,
  sendCallback,
  startFlow,
} from './__testUtils__/signInFlow';
import {
  ALICE,
  forgetSessions,
  paletteProviderConfig,
  startSpectroCloudTestBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(30_000);

const TIMEOUT_MS = 1000;
const LIMIT = 1024 * 1024;
const { logger } = createLogCapture();

let palette: MockPalette;
let hostile: HostileBodyServer;
let server: any;
let tokenCache: SpectroCloudTokenCache;
let stopBackend: () => Promise<void>;

beforeAll(async () => {
  palette = await startMockPalette({ port: 0 });
  hostile = await startHostileBodyServer();
  const providers: Record<string, any> = {
    development: paletteProviderConfig(palette),
  };
  const timeout = { milliseconds: TIMEOUT_MS };
  for (const body of HOSTILE_BODIES) {
    const at = `${hostile.url}/${body}`;
    providers[`token-${body}`] = paletteProviderConfig(palette, {
      timeout,
      tokenUrl: `${at}/token`,
    });
    providers[`discovery-${body}`] = paletteProviderConfig(palette, {
      timeout,
      issuer: palette.issuer,
      metadataUrl: `${at}/.well-known/openid-configuration`,
      discovery: 'required',
    });
    providers[`jwks-${body}`] = paletteProviderConfig(palette, {
      timeout,
      jwksUrl: `${at}/jwks`,
    });
    providers[`renewal-${body}`] = paletteProviderConfig(palette, {
      timeout,
      apiUrl: at,
    });
  }
  const backend = await startSpectroCloudTestBackend({ logger, providers });
  server = backend.server;
  tokenCache = backend.tokenCache;
  stopBackend = backend.stop;
}, 60_000);

afterAll(async () => {
  await stopBackend?.();
  await hostile?.close();
  await palette?.close();
});

beforeEach(() => forgetSessions());

/** Requests an unrelated route in a loop until `stop` resolves; returns the latencies, sorted. */
async function unrelatedLatencies(stop: Promise<unknown>): Promise<number[]> {
  let done = false;
  stop.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  const loop = async () => {
    while (!done) {
      const t0 = Date.now();
      const res = await request(server).get(
        '/api/auth/.well-known/openid-configuration',
      );
      expect(res.status).toBe(200);
      latencies.push(Date.now() - t0);
      await new Promise(r => setTimeout(r, 20));
    }
  };
  await Promise.all([loop(), loop()]);
  return latencies.sort((a, b) => a - b);
}

const p99 = (sorted: number[]) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];

/** The failure each hostile body causes: the limit, the deadline, or not JSON. */
function expectedFailure(body: HostileBody, endpoint: string): RegExp {
  switch (body) {
    case 'trickle':
      return endpoint === 'token'
        ? new RegExp(`^Palette did not answer within ${TIMEOUT_MS} ms$`)
        : new RegExp(`(did not answer|no answer) within ${TIMEOUT_MS} ms`);
    case 'html':
      return /non-JSON response|the response is not JSON/;
    default:
      return endpoint === 'token'
        ? new RegExp(
            `^Palette token endpoint answered with more than ${LIMIT} bytes \\(the configured maxResponseBytes\\)$`,
          )
        : new RegExp(`more than ${LIMIT} bytes|larger than ${LIMIT} bytes`);
  }
}

async function attackAndMeasure(attack: () => Promise<request.Response>) {
  const started = Date.now();
  const attacked = attack().then(res => ({ res, ms: Date.now() - started }));
  const latencies = await unrelatedLatencies(attacked);
  const { res, ms } = await attacked;
  // The backend hung up on the hostile response (its socket closed).
  await hostile.allClosed(1500);
  expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
  expect(latencies.length).toBeGreaterThan(0);
  expect(p99(latencies)).toBeLessThan(1000);
  return res;
}

describe.each(HOSTILE_BODIES)('a Palette answering %s', body => {
  it('on the token endpoint: the callback fails in time, nothing stored', async () => {
    const { flow } = await startFlow(server, `token-${body}`);
    const code = await approveFlow(palette, flow, ALICE);
    const res = await attackAndMeasure(() =>
      sendCallback(server, { code, state: flow.state }, flow.nonceCookie),
    );
    expect(hostile.requests[body]).toBeGreaterThan(0);
    await expectFrameError(res, expectedFailure(body, 'token'), tokenCache);
  });

  it('on the discovery endpoint: the sign-in start is refused in time', async () => {
    const res = await attackAndMeasure(() =>
      request(server).get(`${AUTH}/start?env=discovery-${body}`),
    );
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(
      /^SpectroCloud auth provider: OIDC discovery at .* failed: /,
    );
    expect(res.body.error.message).toMatch(expectedFailure(body, 'discovery'));
    await expectNothingCachedOrCookied(res, tokenCache);
  });

  it('on the JWKS endpoint: the callback fails in time, nothing stored', async () => {
    const { flow } = await startFlow(server, `jwks-${body}`);
    const code = await approveFlow(palette, flow, ALICE);
    const res = await attackAndMeasure(() =>
      sendCallback(server, { code, state: flow.state }, flow.nonceCookie),
    );
    await expectFrameError(res, expectedFailure(body, 'jwks'), tokenCache);
    expect(framePayload(res).error.message).toMatch(/^Palette JWKS endpoint /);
  });

  it('on session renewal: the refresh answers in time and keeps the current token', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 200; // inside the 300 s renewal window
    let sessionToken: string;
    const jar = new CookieJar();
    try {
      const { flow } = await startFlow(server, `renewal-${body}`);
      const code = await approveFlow(palette, flow, ALICE);
      const frame = await sendCallback(
        server,
        { code, state: flow.state },
        flow.nonceCookie,
      );
      sessionToken = framePayload(frame).response.providerInfo.accessToken;
      jar.apply(frame);
    } finally {
      palette.settings.sessionTokenLifetimeSeconds = 900;
    }
    const before = hostile.requests[body];
    const res = await attackAndMeasure(() =>
      request(server)
        .get(`${AUTH}/refresh?env=renewal-${body}`)
        .set('Cookie', jar.header())
        .set('X-Requested-With', 'XMLHttpRequest'),
    );
    expect(hostile.requests[body]).toBe(before + 1);
    // Palette unavailable: the still valid session token stays in use (no new one is stored).
    expect(res.status).toBe(200);
    expect(res.body.providerInfo.accessToken).toBe(sessionToken);
  });
});
