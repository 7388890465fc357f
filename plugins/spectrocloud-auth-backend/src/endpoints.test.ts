import { ConfigReader } from '@backstage/config';
import { readSpectroCloudProviderSettings } from './config';
import {
  deriveIssuerUrl,
  deriveTokenUrl,
  discoveryUrlForIssuer,
  fallbackJwksUri,
} from './endpoints';
import { resolvePaletteEndpoints } from './paletteClient';

describe('endpoint derivation', () => {
  it('replaces only the final auth segment', () => {
    expect(
      deriveTokenUrl('https://console.spectrocloud.com/v1/oidc/tenant/t1/auth'),
    ).toBe('https://console.spectrocloud.com/v1/oidc/tenant/t1/token');
    expect(deriveTokenUrl('https://p.test/v1/auth/tenant/auth/')).toBe(
      'https://p.test/v1/auth/tenant/token',
    );
    expect(deriveTokenUrl('https://p.test/v1/oidc/auth?x=1#f')).toBe(
      'https://p.test/v1/oidc/token',
    );
  });

  it('never rewrites an earlier /auth and refuses a non-auth final segment', () => {
    expect(() =>
      deriveTokenUrl('https://x.test/v1/auth/org/o/oidc/authorize'),
    ).toThrow(
      "cannot derive the token endpoint because the last path segment of 'authorizationUrl' is not 'auth'; configure 'tokenUrl'",
    );
    expect(() => deriveTokenUrl('https://x.test/v1/oauth')).toThrow();
    expect(deriveIssuerUrl('https://x.test/v1/auth/org/o/oidc/authorize')).toBe(
      undefined,
    );
  });

  it('derives the issuer, discovery URL and JWKS URI', () => {
    const issuer = deriveIssuerUrl('https://p.test/v1/oidc/tenant/t1/auth');
    expect(issuer).toBe('https://p.test/v1/oidc/tenant/t1');
    expect(discoveryUrlForIssuer(issuer!)).toBe(
      'https://p.test/v1/oidc/tenant/t1/.well-known/openid-configuration',
    );
    expect(fallbackJwksUri(`${issuer}/`)).toBe(
      'https://p.test/v1/oidc/tenant/t1/.well-known/jwks.json',
    );
  });
});

describe('resolvePaletteEndpoints', () => {
  const settings = (extra: Record<string, unknown> = {}) =>
    readSpectroCloudProviderSettings(
      new ConfigReader({
        clientId: 'c',
        clientSecret: 's',
        authorizationUrl: 'https://p.test/v1/oidc/tenant/t1/auth',
        ...extra,
      }),
    );
  const discovered = {
    issuer: 'https://p.test/v1/oidc/tenant/t1',
    token_endpoint: 'https://p.test/v1/oidc/tenant/t1/oauth/token',
    jwks_uri: 'https://p.test/keys',
  };

  it('uses tokenUrl, then discovery, then derivation', () => {
    expect(
      resolvePaletteEndpoints(
        settings({ tokenUrl: 'https://p.test/explicit' }),
        discovered,
      ).tokenEndpoint,
    ).toBe('https://p.test/explicit');
    expect(resolvePaletteEndpoints(settings(), discovered)).toEqual({
      issuer: 'https://p.test/v1/oidc/tenant/t1',
      authorizationEndpoint: 'https://p.test/v1/oidc/tenant/t1/auth',
      tokenEndpoint: 'https://p.test/v1/oidc/tenant/t1/oauth/token',
      jwksUri: 'https://p.test/keys',
      discovered: true,
    });
    expect(resolvePaletteEndpoints(settings(), undefined)).toEqual({
      issuer: 'https://p.test/v1/oidc/tenant/t1',
      authorizationEndpoint: 'https://p.test/v1/oidc/tenant/t1/auth',
      tokenEndpoint: 'https://p.test/v1/oidc/tenant/t1/token',
      jwksUri: 'https://p.test/v1/oidc/tenant/t1/.well-known/jwks.json',
      discovered: false,
    });
  });

  it('rejects a discovery document for another issuer unless metadataUrl is explicit', () => {
    const other = { ...discovered, issuer: 'https://evil.test' };
    expect(() => resolvePaletteEndpoints(settings(), other)).toThrow(
      'names a different issuer',
    );
    expect(
      resolvePaletteEndpoints(
        settings({
          metadataUrl: 'https://evil.test/.well-known/openid-configuration',
        }),
        other,
      ).issuer,
    ).toBe('https://evil.test');
  });

  it('needs tokenUrl when the authorization URL does not end in auth and discovery has no token endpoint', () => {
    const s = settings({
      authorizationUrl: 'https://x.test/v1/auth/org/o/oidc/authorize',
      metadataUrl: 'https://x.test/meta',
    });
    expect(() =>
      resolvePaletteEndpoints(s, {
        issuer: 'https://x.test/v1/auth/org/o/oidc',
      }),
    ).toThrow("configure 'tokenUrl'");
    expect(
      resolvePaletteEndpoints(
        { ...s, tokenUrl: 'https://x.test/v1/auth/org/o/oidc/token' },
        { issuer: 'https://x.test/v1/auth/org/o/oidc' },
      ).tokenEndpoint,
    ).toBe('https://x.test/v1/auth/org/o/oidc/token');
  });
});
