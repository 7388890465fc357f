import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { AccessTokenStore } from './accessTokens';
import { AuthorizationCodeStore } from './authorizationCodes';
import {
  approveAuthorizationRequest,
  parseAuthorizationRequest,
} from './authorizationRequests';
import type { MockPaletteContext } from './context';
import { createSigningKeys } from './keys';
import { createSessionTokens } from './sessionTokens';
import type {
  MockPalette,
  MockPaletteCalls,
  MockPaletteOptions,
  SessionTokenDelivery,
} from './types';
import { demoUsers, findUserByEmail } from './users';

const DELIVERIES: SessionTokenDelivery[] = ['refresh_token', 'code', 'none'];

function zeroCalls(): MockPaletteCalls {
  return {
    token: 0,
    refresh: 0,
    usersMe: 0,
    projects: 0,
    discovery: 0,
    jwks: 0,
    userinfo: 0,
  };
}

function checkSeconds(name: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new Error(`startMockPalette: ${name} must be a number of seconds`);
  }
  return value;
}

/**
 * Starts a mock SpectroCloud Palette tenant: an OIDC provider (discovery,
 * JWKS, HTML login page, authorization code + PKCE token endpoint, userinfo;
 * the refresh_token grant only with `refreshTokenGrant`) under
 * `/v1/oidc/tenant/<tenant>` and the Palette API slice `GET
 * /v1/auth/refresh/:token`, `GET /v1/users/me`, `GET /v1/projects` (see
 * docs/design.md). Listens on all interfaces, so both `localhost` and
 * `127.0.0.1` work. A fresh RS256 key pair and session token secret are made
 * per call.
 *
 * Defaults: port 7011 (`0` = random free port), tenant `demo-tenant`, client
 * `backstage-demo` / `backstage-demo-secret`, session tokens 900 s, ID tokens
 * 3600 s, delivery `refresh_token`, users {@link demoUsers}, host `localhost`.
 *
 * @throws Error for an invalid option; rejects when the port is taken.
 */
export async function startMockPalette(
  options: MockPaletteOptions = {},
): Promise<MockPalette> {
  const port = options.port ?? 7011;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('startMockPalette: port must be an integer 0-65535');
  }
  const sessionTokenDelivery = options.sessionTokenDelivery ?? 'refresh_token';
  if (!DELIVERIES.includes(sessionTokenDelivery)) {
    throw new Error(
      `startMockPalette: sessionTokenDelivery must be one of ${DELIVERIES.join(
        ', ',
      )}`,
    );
  }
  const tenant = options.tenant ?? 'demo-tenant';
  const clientId = options.clientId ?? 'backstage-demo';
  const clientSecret = options.clientSecret ?? 'backstage-demo-secret';
  const publicHost = options.publicHost ?? 'localhost';
  const users = options.users ?? demoUsers;

  const ctx: MockPaletteContext = {
    issuer: '',
    tenant,
    clientId,
    clientSecret,
    users,
    settings: {
      sessionTokenDelivery,
      sessionTokenLifetimeSeconds: checkSeconds(
        'sessionTokenLifetimeSeconds',
        options.sessionTokenLifetimeSeconds ?? 900,
      ),
      idTokenLifetimeSeconds: checkSeconds(
        'idTokenLifetimeSeconds',
        options.idTokenLifetimeSeconds ?? 3600,
      ),
      discoveryFault: 'none',
      jwksFault: 'none',
      refreshFault: 'none',
      omitKeyId: false,
      idTokenSigningAlg: 'RS256',
      refreshTokenGrant: options.refreshTokenGrant ?? false,
    },
    calls: zeroCalls(),
    apiRequests: [],
    keys: await createSigningKeys(),
    sessionTokens: createSessionTokens(tenant),
    codes: new AuthorizationCodeStore(),
    accessTokens: new AccessTokenStore(),
  };

  const server = createApp(ctx).listen(port);
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${publicHost}:${actualPort}`;
  const issuer = `${url}/v1/oidc/tenant/${encodeURIComponent(tenant)}`;
  ctx.issuer = issuer;

  let closing: Promise<void> | undefined;

  return {
    url,
    issuer,
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    clientId,
    clientSecret,
    settings: ctx.settings,
    calls: ctx.calls,
    apiRequests: ctx.apiRequests,
    resetCalls() {
      Object.assign(ctx.calls, zeroCalls());
      ctx.apiRequests.splice(0);
    },
    signIdToken(claims, signOptions) {
      return ctx.keys.sign(claims, {
        omitKid: ctx.settings.omitKeyId,
        alg: ctx.settings.idTokenSigningAlg,
        ...signOptions,
      });
    },
    rotateSigningKey(rotateOptions) {
      return ctx.keys.rotate(rotateOptions);
    },
    signingKeyId() {
      return ctx.keys.kid;
    },
    async issueSessionToken(email, lifetimeSeconds) {
      const user = findUserByEmail(users, email);
      if (!user) {
        throw new Error('issueSessionToken: no such user in the mock');
      }
      return ctx.sessionTokens.issue(
        user,
        lifetimeSeconds ?? ctx.settings.sessionTokenLifetimeSeconds,
      );
    },
    async authorize(params) {
      const user = findUserByEmail(users, params.email);
      if (!user) {
        throw new Error('authorize: no such user in the mock');
      }
      const parsed = parseAuthorizationRequest(
        {
          response_type: 'code',
          client_id: params.clientId ?? clientId,
          redirect_uri: params.redirectUri,
          state: params.state,
          nonce: params.nonce,
          scope: params.scope ?? 'openid profile email',
          code_challenge: params.codeChallenge,
          code_challenge_method:
            params.codeChallengeMethod ??
            (params.codeChallenge ? 'S256' : undefined),
        },
        clientId,
      );
      if (!parsed.ok) {
        throw new Error(`authorize: ${parsed.message}`);
      }
      return approveAuthorizationRequest(ctx, parsed.request, user);
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close(err => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
