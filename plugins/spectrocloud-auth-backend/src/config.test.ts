import { ConfigReader } from '@backstage/config';
import { readSpectroCloudProviderSettings } from './config';

const base = {
  clientId: 'backstage',
  clientSecret: 'very-secret-value',
  authorizationUrl: 'https://p.test/v1/oidc/tenant/t1/auth',
};
const read = (extra: Record<string, unknown> = {}) =>
  readSpectroCloudProviderSettings(new ConfigReader({ ...base, ...extra }));

describe('readSpectroCloudProviderSettings', () => {
  it('applies the defaults', () => {
    expect(read()).toEqual({
      ...base,
      tokenUrl: undefined,
      metadataUrl: undefined,
      prompt: undefined,
      scope: 'openid profile email',
      timeoutMs: 10_000,
      maxResponseBytes: 1024 * 1024,
      tokenEndpointAuthMethod: 'client_secret_basic',
      issuer: undefined,
      discovery: 'auto',
      jwksUrl: undefined,
      idTokenSigningAlgs: ['RS256'],
      clockToleranceSeconds: 5,
      emailClaim: 'email',
      allowUnverifiedEmail: false,
      apiUrl: new URL(base.authorizationUrl).origin,
      sessionRenewalWindowSeconds: 300,
      sessionDurationSeconds: 12 * 3600,
      logoutUrl: undefined,
    });
  });

  it('reads sessionDuration as the absolute session lifetime, at least a minute', () => {
    expect(read({ sessionDuration: '8h' }).sessionDurationSeconds).toBe(
      8 * 3600,
    );
    expect(
      read({ sessionDuration: { minutes: 30 } }).sessionDurationSeconds,
    ).toBe(1800);
    expect(() => read({ sessionDuration: { seconds: 5 } })).toThrow(
      /'sessionDuration' must be at least one minute/,
    );
  });

  it('reads the session renewal settings', () => {
    expect(
      read({
        apiUrl: 'https://api.p.test/',
        sessionRenewalWindow: '10m',
        logoutUrl: 'https://p.test/logout',
      }),
    ).toMatchObject({
      apiUrl: 'https://api.p.test',
      sessionRenewalWindowSeconds: 600,
      logoutUrl: 'https://p.test/logout',
    });
    expect(read({ sessionRenewalWindow: '240s' })).toMatchObject({
      sessionRenewalWindowSeconds: 240,
    });
    expect(() => read({ sessionRenewalWindow: '2m' })).toThrow(
      "'sessionRenewalWindow' must be at least 180 seconds",
    );
  });

  it('reads the ID token validation and discovery settings', () => {
    expect(
      read({
        issuer: 'https://p.test/v1/oidc/tenant/t1/',
        discovery: 'required',
        jwksUrl: 'https://p.test/keys',
        idTokenSigningAlgs: ['PS256', 'RS256', 'ES256'],
        clockToleranceSeconds: 30,
        maxAge: '10m',
        emailClaim: 'preferred_username',
        allowUnverifiedEmail: true,
      }),
    ).toMatchObject({
      issuer: 'https://p.test/v1/oidc/tenant/t1/',
      discovery: 'required',
      jwksUrl: 'https://p.test/keys',
      idTokenSigningAlgs: ['PS256', 'RS256', 'ES256'],
      clockToleranceSeconds: 30,
      maxAgeSeconds: 600,
      emailClaim: 'preferred_username',
      allowUnverifiedEmail: true,
    });
    expect(read({ maxAge: '15m' }).maxAgeSeconds).toBe(900);
    expect(read({ maxAge: { hours: 1 } }).maxAgeSeconds).toBe(3600);
    expect(read({ maxAge: '0s' }).maxAgeSeconds).toBe(0);
    expect(read({ clockToleranceSeconds: 0 }).clockToleranceSeconds).toBe(0);
  });

  it.each([
    [['none'], 'must not contain'],
    [['RS256', 'HS256'], 'must not contain'],
    [['hs512'], 'must not contain'],
    [['NONE'], 'must not contain'],
    [['RS1024'], 'unsupported algorithm'],
    [[], 'at least one'],
  ])(
    'refuses idTokenSigningAlgs %j at startup',
    (idTokenSigningAlgs, message) => {
      expect(() => read({ idTokenSigningAlgs })).toThrow(message);
    },
  );

  it.each([
    [
      { discovery: 'sometimes' },
      "'discovery' must be one of auto, required, off",
    ],
    [{ clockToleranceSeconds: -1 }, "'clockToleranceSeconds' must be"],
    [{ clockToleranceSeconds: 3600 }, "'clockToleranceSeconds' must be"],
    [{ maxAge: 600 }, "'maxAge' must be a duration with its unit"],
    [
      { sessionRenewalWindow: 300 },
      "'sessionRenewalWindow' must be a duration with its unit, e.g. '10s', '500ms'",
    ],
    [{ emailClaim: 'a b' }, "'emailClaim' must be a claim name"],
    [{ issuer: 'not a url' }, "'issuer' is not a valid URL"],
    [{ jwksUrl: 'file:///etc/keys' }, "'jwksUrl' must be an http(s) URL"],
  ])('refuses %j', (extra, message) => {
    expect(() => read(extra)).toThrow(message);
  });

  it.each([
    ['2500ms', 2500],
    ['3s', 3000],
    ['PT1.5S', 1500],
    [{ seconds: 4 }, 4000],
  ])('reads timeout %j as %i ms', (timeout, ms) => {
    expect(read({ timeout }).timeoutMs).toBe(ms);
  });

  it('rejects bad values without echoing secrets', () => {
    expect(() => read({ timeout: '0s' })).toThrow('positive duration');
    expect(() => read({ timeout: 5000 })).toThrow(
      "SpectroCloud auth provider: 'timeout' must be a duration with its unit, e.g. '10s', '500ms', '5m' or { seconds: 10 }: a bare number is refused because its unit would be ambiguous",
    );
    expect(() => read({ timeout: '12' })).toThrow();
    expect(() => read({ tokenEndpointAuthMethod: 'private_key_jwt' })).toThrow(
      "'tokenEndpointAuthMethod' must be one of client_secret_basic, client_secret_post",
    );
    expect(() => read({ authorizationUrl: 'ftp://p.test/auth' })).toThrow(
      "'authorizationUrl' must be an http(s) URL",
    );
    let message = '';
    try {
      read({ tokenUrl: 'not a url very-secret-value' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      "SpectroCloud auth provider: 'tokenUrl' is not a valid URL",
    );
  });

  it('always includes openid in the scope', () => {
    expect(read({ scope: 'profile email groups' }).scope).toBe(
      'openid profile email groups',
    );
  });
});
