/**
 * Discovery modes, issuer checks and JWKS handling through the REAL backend: one auth environment
 * per case, each against its own mock Palette whose fault switches (discovery issuer, discovery
 * and JWKS faults, key rotation, key ids) stage the provider's misbehaviour. Every refusal asserts
 * the error and that nothing was cached or cookied.
 */
import { MockPalette, startMockPalette } from '@internal/mock-palette';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { getProcessTokenStore } from '@terasky/backstage-plugin-spectrocloud-token-cache/legacy';
import { JsonObject } from '@backstage/types';
import { decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './index';
import { cookie, setCookies } from './__testUtils__/browserCookies';
import { createLogCapture } from './__testUtils__/logCapture';
import {
  approveFlow,
  AUTH,
  expectFrameError,
  framePayload,
  sendCallback,
  startFlow,
} from './__testUtils__/signInFlow';
import {
  ALICE,
  paletteProviderConfig,
  forgetSessions,
  startSpectroCloudTestBackend,
} from './__testUtils__/testBackend';
import {
  startTokenEndpointProxy,
  TokenEndpointProxy,
} from './__testUtils__/tokenEndpointProxy';

jest.setTimeout(30_000);

const TIMEOUT_MS = 1000;
const { lines: logLines, logger } = createLogCapture();
/** Codes and tokens handed out: none may reach a log line. */
const secrets = new Set<string>();

/** One auth environment of the backend and the mock Palette behind it. */
interface Env {
  name: string;
  palette: MockPalette;
  config?: JsonObject;
  /** Fault switches applied before the backend starts. */
  setup?: (palette: MockPalette) => void;
}

const envs = new Map<string, Env>();
let server: any;
let tokenCache: SpectroCloudTokenCache;
let stopBackend: () => Promise<void>;
let proxy: TokenEndpointProxy;
let otherPalette: MockPalette;

const ENV_SETUPS: Array<Omit<Env, 'palette'>> = [
  {
    name: 'mismatchauto',
    setup: p => {
      p.settings.discoveryIssuer = 'http://evil.example/v1/oidc/tenant/demo';
    },
  },
  {
    name: 'slashauto',
    setup: p => {
      p.settings.discoveryIssuer = `${p.issuer}/`;
    },
  },
  {
    name: 'caseauto',
    setup: p => {
      p.settings.discoveryIssuer = p.issuer.replace('localhost', 'LOCALHOST');
    },
  },
  {
    name: 'mismatchrequired',
    config: { discovery: 'required' },
    setup: p => {
      p.settings.discoveryIssuer = 'http://evil.example/v1/oidc/tenant/demo';
    },
  },
  {
    name: 'unavailablerequired',
    config: { discovery: 'required' },
    setup: p => {
      p.settings.discoveryFault = 'unavailable';
    },
  },
  {
    name: 'htmlrequired',
    config: { discovery: 'required' },
    setup: p => {
      p.settings.discoveryFault = 'notJson';
    },
  },
  {
    name: 'hangrequired',
    config: { discovery: 'required' },
    setup: p => {
      p.settings.discoveryFault = 'hang';
    },
  },
  {
    name: 'unavailableauto',
    setup: p => {
      p.settings.discoveryFault = 'unavailable';
    },
  },
  {
    name: 'hangauto',
    setup: p => {
      p.settings.discoveryFault = 'hang';
    },
  },
  {
    name: 'off',
    config: { discovery: 'off' },
    setup: p => {
      p.settings.discoveryFault = 'unavailable';
    },
  },
  { name: 'offjwksurl', config: { discovery: 'off' } },
  { name: 'offforeignjwks', config: { discovery: 'off' } },
  { name: 'rotation' },
  {
    name: 'kidless',
    setup: p => {
      p.settings.omitKeyId = true;
    },
  },
  { name: 'jwksfaults' },
];

beforeAll(async () => {
  otherPalette = await startMockPalette({ port: 0 });
  for (const setup of ENV_SETUPS) {
    const palette = await startMockPalette({ port: 0 });
    setup.setup?.(palette);
    envs.set(setup.name, { ...setup, palette });
  }
  const rotation = envs.get('rotation')!.palette;
  proxy = await startTokenEndpointProxy(rotation.tokenUrl);
  const extra: Record<string, JsonObject> = {
    rotation: { tokenUrl: proxy.url },
    offjwksurl: {
      jwksUrl: envs
        .get('offjwksurl')!
        .palette.jwksUri.replace('//localhost:', '//127.0.0.1:'),
    },
    offforeignjwks: { jwksUrl: otherPalette.jwksUri },
  };
  const backend = await startSpectroCloudTestBackend({
    logger,
    providers: Object.fromEntries(
      [...envs.values()].map(e => [
        e.name,
        paletteProviderConfig(e.palette, {
          timeout: { milliseconds: TIMEOUT_MS },
          ...e.config,
          ...extra[e.name],
        }),
      ]),
    ),
  });
  server = backend.server;
  tokenCache = backend.tokenCache;
  stopBackend = backend.stop;
}, 60_000);

afterAll(async () => {
  await stopBackend?.();
  await proxy?.close();
  await otherPalette?.close();
  for (const e of envs.values()) {
    await e.palette.close();
  }
});

beforeEach(async () => {
  await forgetSessions();
  proxy.behaviour = { kind: 'forward' };
});

function env(name: string): MockPalette {
  return envs.get(name)!.palette;
}

/**
 * A whole sign-in of alice on `envName`; returns the callback response. Empties the token cache
 * first, so that a refusal can be checked for "nothing cached".
 */
async function signInOn(envName: string): Promise<request.Response> {
  await forgetSessions();
  const { flow } = await startFlow(server, envName);
  const code = await approveFlow(env(envName), flow, ALICE);
  secrets.add(code);
  const res = await sendCallback(
    server,
    { code, state: flow.state },
    flow.nonceCookie,
  );
  const session = framePayload(res).response?.providerInfo;
  for (const value of [session?.accessToken, session?.idToken]) {
    if (value) secrets.add(value);
  }
  return res;
}

async function expectSignedIn(res: request.Response): Promise<void> {
  const payload = framePayload(res);
  expect(payload.error).toBeUndefined();
  expect(payload.response.profile.email).toBe(ALICE);
  expect(cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeDefined();
  expect(getProcessTokenStore().get(ALICE)?.token).toBe(
    payload.response.providerInfo.accessToken,
  );
}

/** `GET /start` was refused with a 401 AuthenticationError and set no cookie at all. */
function expectStartRefused(res: request.Response, message: RegExp): void {
  expect(res.status).toBe(401);
  expect(res.body.error.name).toBe('AuthenticationError');
  expect(res.body.error.message).toMatch(message);
  expect(res.headers.location).toBeUndefined();
  expect(setCookies(res)).toEqual([]);
}

describe('discovery', () => {
  const mismatch =
    /^SpectroCloud auth provider: the OIDC discovery document names another issuer than the expected 'http:\/\/localhost:\d+\/v1\/oidc\/tenant\/demo-tenant'; sign-in is refused/;

  it.each([
    ['another issuer (discovery: auto)', 'mismatchauto'],
    ['the issuer with a trailing slash (discovery: auto)', 'slashauto'],
    ['the issuer in another letter case (discovery: auto)', 'caseauto'],
    ['another issuer (discovery: required)', 'mismatchrequired'],
  ])(
    'refuses to start flows and says why when the document names %s',
    async (_name, envName) => {
      const before = env(envName).calls.discovery;
      const res = await request(server).get(`${AUTH}/start?env=${envName}`);
      expectStartRefused(res, mismatch);
      expect(env(envName).calls.discovery).toBe(before + 1);
      // a refused provider keeps refusing (and re-checks discovery) instead of falling back
      const again = await request(server).get(`${AUTH}/start?env=${envName}`);
      expectStartRefused(again, mismatch);
      expect(env(envName).calls.discovery).toBe(before + 2);
    },
  );

  it('logs the refused issuer once for an administrator', () => {
    const warnings = logLines.filter(l =>
      l.includes(
        "the document names 'http://evil.example/v1/oidc/tenant/demo'",
      ),
    );
    // mismatchauto and mismatchrequired, each logged once for two refused starts
    expect(warnings).toHaveLength(2);
  });

  it.each([
    ['answers HTTP 503', 'unavailablerequired', /failed: HTTP 503; /],
    ['answers HTML', 'htmlrequired', /failed: the response is not JSON; /],
    [
      'never answers',
      'hangrequired',
      new RegExp(`failed: no answer within ${TIMEOUT_MS} ms; `),
    ],
  ])(
    'with discovery: required, refuses flows while discovery %s, and recovers',
    async (_name, envName, reason) => {
      const palette = env(envName);
      const started = Date.now();
      const res = await request(server).get(`${AUTH}/start?env=${envName}`);
      const elapsed = Date.now() - started;
      expectStartRefused(
        res,
        new RegExp(
          `^SpectroCloud auth provider: OIDC discovery at ${palette.issuer}/\\.well-known/openid-configuration ${reason.source}sign-in is refused because 'discovery' is 'required'$`,
        ),
      );
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
      palette.settings.discoveryFault = 'none';
      await expectSignedIn(await signInOn(envName));
    },
  );

  it.each([
    ['answers HTTP 503', 'unavailableauto', 'HTTP 503'],
    ['never answers', 'hangauto', `no answer within ${TIMEOUT_MS} ms`],
  ])(
    'with discovery: auto, signs in on derived endpoints when discovery %s',
    async (_name, envName, reason) => {
      const palette = env(envName);
      palette.resetCalls();
      await expectSignedIn(await signInOn(envName));
      expect(palette.calls.discovery).toBe(1);
      expect(palette.calls.token).toBe(1);
      expect(palette.calls.jwks).toBe(1);
      expect(logLines.join('\n')).toContain(
        `OIDC discovery at ${palette.issuer}/.well-known/openid-configuration failed: ${reason}; using endpoints derived from the configuration`,
      );
    },
  );

  it('with discovery: off, never fetches the discovery document', async () => {
    const palette = env('off');
    palette.resetCalls();
    await expectSignedIn(await signInOn('off'));
    await expectSignedIn(await signInOn('off'));
    expect(palette.calls.discovery).toBe(0);
    expect(palette.calls.token).toBe(2);
  });

  it('with discovery: off, verifies with the configured jwksUrl', async () => {
    const palette = env('offjwksurl');
    palette.resetCalls();
    await expectSignedIn(await signInOn('offjwksurl'));
    expect(palette.calls.discovery).toBe(0);
    expect(palette.calls.jwks).toBe(1);
    // the configured jwksUrl wins over the derived one: another provider's keys verify nothing
    await expectFrameError(
      await signInOn('offforeignjwks'),
      /^ID token signature verification failed: no matching key in the Palette JWKS$/,
      tokenCache,
    );
    expect(env('offforeignjwks').calls.jwks).toBe(0);
  });
});

describe('JWKS and key rotation', () => {
  it('caches the JWKS across sign-ins', async () => {
    const palette = env('rotation');
    palette.resetCalls();
    await expectSignedIn(await signInOn('rotation'));
    await expectSignedIn(await signInOn('rotation'));
    expect(palette.calls.token).toBe(2);
    expect(palette.calls.jwks).toBeLessThanOrEqual(1);
  });

  it('follows a key rotation without a restart: one refetch for the new kid', async () => {
    const palette = env('rotation');
    await expectSignedIn(await signInOn('rotation'));
    palette.resetCalls();
    const newKid = await palette.rotateSigningKey();
    const res = await signInOn('rotation');
    await expectSignedIn(res);
    expect(
      decodeProtectedHeader(framePayload(res).response.providerInfo.idToken)
        .kid,
    ).toBe(newKid);
    expect(palette.calls.jwks).toBe(1);
    // and the new key is cached from now on
    await expectSignedIn(await signInOn('rotation'));
    expect(palette.calls.jwks).toBe(1);
  });

  it('refetches once for an unknown kid, then not again for the same kid', async () => {
    const palette = env('rotation');
    await expectSignedIn(await signInOn('rotation'));
    palette.resetCalls();
    proxy.behaviour = {
      kind: 'rewrite',
      transform: async body => ({
        ...body,
        id_token: await palette.signIdToken(
          JSON.parse(
            Buffer.from(
              String(body.id_token).split('.')[1],
              'base64url',
            ).toString(),
          ),
          { useForeignKey: true, kid: 'attacker-kid' },
        ),
      }),
    };
    for (let i = 0; i < 3; i += 1) {
      await expectFrameError(
        await signInOn('rotation'),
        /^ID token signature verification failed: no matching key in the Palette JWKS$/,
        tokenCache,
      );
    }
    expect(palette.calls.token).toBe(3);
    expect(palette.calls.jwks).toBe(1);
  });

  it('accepts a JWKS with a single RSA key and no kid, also across a rotation', async () => {
    const palette = env('kidless');
    palette.resetCalls();
    const first = await signInOn('kidless');
    await expectSignedIn(first);
    expect(
      decodeProtectedHeader(framePayload(first).response.providerInfo.idToken)
        .kid,
    ).toBeUndefined();
    expect(palette.calls.jwks).toBe(1);
    await palette.rotateSigningKey();
    await expectSignedIn(await signInOn('kidless'));
    expect(palette.calls.jwks).toBe(2);
  });

  it('refuses a token without kid when several keys of the JWKS could match', async () => {
    const palette = env('kidless');
    await palette.rotateSigningKey({ keepPrevious: true });
    await expectFrameError(
      await signInOn('kidless'),
      /^ID token signature verification failed: several keys in the Palette JWKS match and the ID token names no kid$/,
      tokenCache,
    );
    await palette.rotateSigningKey();
    await expectSignedIn(await signInOn('kidless'));
  });

  it.each([
    [
      'answers HTTP 503',
      'unavailable',
      /^Palette JWKS endpoint answered with HTTP 503$/,
    ],
    [
      'answers HTML',
      'notJson',
      /^Palette JWKS endpoint returned a non-JSON response$/,
    ],
    [
      'never answers',
      'hang',
      new RegExp(
        `^Palette JWKS endpoint did not answer within ${TIMEOUT_MS} ms$`,
      ),
    ],
  ] as const)(
    'turns a JWKS endpoint that %s into an auth error within the timeout, then recovers',
    async (_name, fault, message) => {
      const palette = env('jwksfaults');
      palette.settings.jwksFault = fault;
      // a fresh key makes the cached JWKS (if any) miss and refetch
      await palette.rotateSigningKey();
      const started = Date.now();
      const res = await signInOn('jwksfaults');
      const elapsed = Date.now() - started;
      await expectFrameError(res, message, tokenCache);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
      palette.settings.jwksFault = 'none';
      await palette.rotateSigningKey();
      await expectSignedIn(await signInOn('jwksfaults'));
    },
  );
});

describe('logging on the discovery and JWKS paths', () => {
  it('logged warnings for every failure, but no token, code, client secret or email', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(30);
    const all = logLines.join('\n');
    expect(all).toContain('sign-in is refused');
    expect(all).toContain('fetching the JWKS again');
    for (const secret of secrets) {
      expect(all).not.toContain(secret);
    }
    for (const { palette } of envs.values()) {
      expect(all).not.toContain(palette.clientSecret);
    }
    expect(all.toLowerCase()).not.toContain(ALICE);
  });
});
