/**
 * The configurable ID token and claim rules through the REAL backend: one auth environment per
 * configuration (algorithm allow-list, clock tolerance, maxAge, email claim mapping, unverified
 * emails), ID tokens forged through a token endpoint proxy in front of the mock Palette. Every
 * case states whether the sign-in succeeds; refusals assert the error and that nothing was cached
 * or cookied, successes that the lower-cased email was cached and cookied.
 */
import { JsonObject } from '@backstage/types';
import {
  MockPalette,
  MockPaletteSettings,
  startMockPalette,
} from '@internal/mock-palette';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { getProcessTokenStore } from '@terasky/backstage-plugin-spectrocloud-token-cache/legacy';
import { decodeJwt, JWTPayload } from 'jose';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './index';
import { cookie, cookieValue } from './__testUtils__/browserCookies';
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

const { lines: logLines, logger } = createLogCapture();
const ENVS: Record<string, JsonObject> = {
  development: {},
  algs: { idTokenSigningAlgs: ['PS256', 'RS256'] },
  tolerant: { clockToleranceSeconds: 120 },
  strictclock: { clockToleranceSeconds: 0 },
  maxage: { maxAge: '300s' },
  mapped: { emailClaim: 'preferred_username' },
  unverified: { allowUnverifiedEmail: true },
};

let palette: MockPalette;
let proxy: TokenEndpointProxy;
let server: any;
let tokenCache: SpectroCloudTokenCache;
let stopBackend: () => Promise<void>;

beforeAll(async () => {
  palette = await startMockPalette({ port: 0 });
  proxy = await startTokenEndpointProxy(palette.tokenUrl);
  const backend = await startSpectroCloudTestBackend({
    logger,
    providers: Object.fromEntries(
      Object.entries(ENVS).map(([env, extra]) => [
        env,
        paletteProviderConfig(palette, { tokenUrl: proxy.url, ...extra }),
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
  await palette?.close();
});

beforeEach(async () => {
  await forgetSessions();
  proxy.behaviour = { kind: 'forward' };
});

const now = () => Math.floor(Date.now() / 1000);

type Forge = (claims: JWTPayload) => Promise<string>;

/** Signs alice in on `env`, with the genuine ID token replaced by `forge(claims)`. */
async function signInWith(env: string, forge?: Forge) {
  const { flow } = await startFlow(server, env);
  const code = await approveFlow(palette, flow, ALICE);
  if (forge) {
    proxy.behaviour = {
      kind: 'rewrite',
      transform: async body => ({
        ...body,
        id_token: await forge(decodeJwt(String(body.id_token))),
      }),
    };
  }
  const res = await sendCallback(
    server,
    { code, state: flow.state },
    flow.nonceCookie,
  );
  return { flow, res };
}

async function expectSignedInAsAlice(res: request.Response): Promise<void> {
  const payload = framePayload(res);
  expect(payload.error).toBeUndefined();
  expect(payload.response.profile.email).toBe(ALICE);
  expect(payload.response.backstageIdentity.identity.userEntityRef).toBe(
    'user:default/alice',
  );
  const { accessToken } = payload.response.providerInfo;
  expect(cookieValue(cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)!)).toBe(
    accessToken,
  );
  expect(getProcessTokenStore().size).toBe(1);
  await expect(
    tokenCache.getSessionTokenForUser('user:default/alice'),
  ).resolves.toMatchObject({ token: accessToken });
}

interface Case {
  name: string;
  env: string;
  forge?: Forge;
  /** Mock Palette settings for this case (restored afterwards). */
  mock?: Partial<MockPaletteSettings>;
  /** The refusal message; `undefined` = the sign-in succeeds. */
  refused?: RegExp;
}

const sign =
  (claims: (c: JWTPayload) => JWTPayload, alg?: string): Forge =>
  c =>
    palette.signIdToken(claims(c), alg ? { alg } : undefined);

const cases: Case[] = [
  // algorithm allow-list
  {
    name: 'PS256 (provider signing with PS256) is accepted when configured',
    env: 'algs',
    mock: { idTokenSigningAlg: 'PS256' },
  },
  {
    name: 'RS256 stays accepted next to PS256',
    env: 'algs',
  },
  {
    name: 'RS512 is refused when only PS256 and RS256 are configured',
    env: 'algs',
    forge: sign(c => c, 'RS512'),
    refused:
      /^ID token validation failed: the ID token is not signed with an allowed algorithm \(PS256, RS256\)$/,
  },
  {
    name: 'HS256 is refused even next to a configured list',
    env: 'algs',
    forge: sign(c => c, 'HS256'),
    refused:
      /^ID token validation failed: the ID token is not signed with an allowed algorithm/,
  },
  {
    name: 'alg none is refused even next to a configured list',
    env: 'algs',
    forge: sign(c => c, 'none'),
    refused:
      /^ID token validation failed: the ID token is not signed with an allowed algorithm/,
  },
  {
    name: 'PS256 is refused by the default allow-list',
    env: 'development',
    forge: sign(c => c, 'PS256'),
    refused:
      /^ID token validation failed: the ID token is not signed with an allowed algorithm \(RS256\)$/,
  },
  // clock tolerance
  {
    name: 'exp 2 s ago is within the default 5 s tolerance',
    env: 'development',
    forge: sign(c => ({ ...c, exp: now() - 2 })),
  },
  {
    name: 'nbf 2 s ahead is within the default 5 s tolerance',
    env: 'development',
    forge: sign(c => ({ ...c, nbf: now() + 2 })),
  },
  {
    name: 'exp 60 s ago is within a 120 s tolerance',
    env: 'tolerant',
    forge: sign(c => ({ ...c, exp: now() - 60 })),
  },
  {
    name: 'nbf 60 s ahead is within a 120 s tolerance',
    env: 'tolerant',
    forge: sign(c => ({ ...c, nbf: now() + 60 })),
  },
  {
    name: 'exp 200 s ago is beyond a 120 s tolerance',
    env: 'tolerant',
    forge: sign(c => ({ ...c, exp: now() - 200 })),
    refused: /^ID token validation failed: the ID token has expired$/,
  },
  {
    name: 'exp = now is expired without tolerance',
    env: 'strictclock',
    forge: sign(c => ({ ...c, exp: now() })),
    refused: /^ID token validation failed: the ID token has expired$/,
  },
  {
    name: 'nbf 3 s ahead is not valid yet without tolerance',
    env: 'strictclock',
    forge: sign(c => ({ ...c, nbf: now() + 3 })),
    refused: /^ID token validation failed: the ID token is not valid yet$/,
  },
  // max_age / auth_time
  {
    name: 'a recent auth_time satisfies maxAge',
    env: 'maxage',
  },
  {
    name: 'auth_time is required with maxAge',
    env: 'maxage',
    forge: sign(({ auth_time: _a, ...c }) => c),
    refused: /^ID token validation failed: missing auth_time claim$/,
  },
  {
    name: 'a non-numeric auth_time is refused with maxAge',
    env: 'maxage',
    forge: sign(c => ({ ...c, auth_time: 'yesterday' })),
    refused: /^ID token validation failed: malformed auth_time claim$/,
  },
  {
    name: 'an auth_time older than maxAge is refused',
    env: 'maxage',
    forge: sign(c => ({ ...c, auth_time: now() - 400 })),
    refused:
      /^ID token validation failed: the user authenticated longer ago than maxAge allows$/,
  },
  {
    name: 'auth_time is not required without maxAge',
    env: 'development',
    forge: sign(({ auth_time: _a, ...c }) => c),
  },
  // email claim
  {
    name: 'an upper-case email is accepted and lower-cased',
    env: 'development',
    forge: sign(c => ({ ...c, email: '  Alice@EXAMPLE.com ' })),
  },
  {
    name: 'several audiences with azp = the client id are accepted',
    env: 'development',
    forge: sign(c => ({ ...c, aud: [c.aud as string, 'other'], azp: c.aud })),
  },
  {
    name: 'the mapped claim is used when the ID token has no email',
    env: 'mapped',
    forge: sign(({ email: _e, ...c }) => ({
      ...c,
      preferred_username: 'ALICE@example.com',
    })),
  },
  {
    name: 'a mapped claim that is not an email address is refused',
    env: 'mapped',
    forge: sign(({ email: _e, ...c }) => ({
      ...c,
      preferred_username: 'alice',
    })),
    refused:
      /^The Palette ID token's preferred_username claim is not an email address$/,
  },
  {
    name: 'a missing mapped claim is refused, naming it',
    env: 'mapped',
    forge: sign(c => c),
    refused: /^The Palette ID token has no preferred_username claim$/,
  },
  {
    name: 'no email claim is refused, naming it',
    env: 'development',
    forge: sign(({ email: _e, ...c }) => ({
      ...c,
      preferred_username: ALICE,
    })),
    refused: /^The Palette ID token has no email claim$/,
  },
  {
    name: 'email_verified false is refused by default',
    env: 'development',
    forge: sign(c => ({ ...c, email_verified: false })),
    refused: /^The Palette ID token says the email address is not verified$/,
  },
  {
    name: 'email_verified false is accepted with allowUnverifiedEmail',
    env: 'unverified',
    forge: sign(c => ({ ...c, email_verified: false })),
  },
  {
    name: 'a missing email_verified is accepted',
    env: 'development',
    forge: sign(({ email_verified: _v, ...c }) => c),
  },
];

describe('configurable ID token rules (real backend + mock Palette)', () => {
  it.each(cases)('$env: $name', async ({ env, forge, mock, refused }) => {
    const saved = { ...palette.settings };
    Object.assign(palette.settings, mock);
    const { res } = await signInWith(env, forge).finally(() =>
      Object.assign(palette.settings, saved),
    );
    if (refused) {
      await expectFrameError(res, refused, tokenCache);
    } else {
      await expectSignedInAsAlice(res);
    }
  });

  it('sends max_age only when maxAge is configured', async () => {
    const { flow } = await startFlow(server, 'maxage');
    expect(flow.query.get('max_age')).toBe('300');
    const { flow: plain } = await startFlow(server, 'development');
    expect(plain.query.has('max_age')).toBe(false);
  });

  it('never logged an email address or a token', () => {
    const all = logLines.join('\n').toLowerCase();
    expect(all).not.toContain('alice@example.com');
    for (const { answered } of proxy.requests) {
      expect(all).not.toContain(String(answered?.id_token).toLowerCase());
    }
    expect(proxy.requests.length).toBeGreaterThanOrEqual(cases.length);
  });
});

describe('configuration refused at startup', () => {
  it.each([[['none']], [['RS256', 'HS256']], [['HS512']]])(
    'refuses to start the provider with idTokenSigningAlgs %j',
    async algs => {
      const capture = createLogCapture();
      const started = startSpectroCloudTestBackend({
        logger: capture.logger,
        providers: {
          development: paletteProviderConfig(palette, {
            idTokenSigningAlgs: algs,
          }),
        },
      });
      await expect(started).rejects.toThrow(
        /Failed to initialize spectrocloud auth provider, SpectroCloud auth provider: 'idTokenSigningAlgs' must not contain 'none' or an HMAC algorithm/,
      );
    },
  );

  it('serves nothing for a provider it could not start', async () => {
    // control: the running backend has the provider
    const res = await request(server).get(`${AUTH}/start?env=development`);
    expect(res.status).toBe(302);
  });
});
