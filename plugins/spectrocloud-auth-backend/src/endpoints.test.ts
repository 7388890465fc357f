import { ConfigReader } from '@backstage/config';
import { readSpectroCloudProviderSettings } from './config';
import {
  deriveIssuerUrl,
  deriveTokenUrl,
  discoveryUrlForIssuer,
  fallbackJwksUri,
  issuerFromMetadataUrl,
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
      issParameterRequired: false,
    });
    expect(resolvePaletteEndpoints(settings(), undefined)).toEqual({
      issuer: 'https://p.test/v1/oidc/tenant/t1',
      authorizationEndpoint: 'https://p.test/v1/oidc/tenant/t1/auth',
      tokenEndpoint: 'https://p.test/v1/oidc/tenant/t1/token',
      jwksUri: 'https://p.test/v1/oidc/tenant/t1/.well-known/jwks.json',
      discovered: false,
      issParameterRequired: false,
    });
  });

  it('compares the discovered issuer exactly with the expected one', () => {
    const mismatch = 'names another issuer than the expected';
    for (const issuer of [
      'https://evil.test',
      'https://p.test/v1/oidc/tenant/t1/',
      'https://P.test/v1/oidc/tenant/t1',
      'https://p.test/v1/oidc/tenant/T1',
      'http://p.test/v1/oidc/tenant/t1',
    ]) {
      expect(() =>
        resolvePaletteEndpoints(settings(), { ...discovered, issuer }),
      ).toThrow(mismatch);
    }
    // explicit issuer: exactly that one, trailing slash included
    const slash = settings({ issuer: 'https://p.test/v1/oidc/tenant/t1/' });
    expect(() => resolvePaletteEndpoints(slash, discovered)).toThrow(mismatch);
    expect(
      resolvePaletteEndpoints(slash, {
        ...discovered,
        issuer: 'https://p.test/v1/oidc/tenant/t1/',
      }).issuer,
    ).toBe('https://p.test/v1/oidc/tenant/t1/');
    // a well-known metadataUrl implies its issuer
    const other = { ...discovered, issuer: 'https://evil.test' };
    const wellKnown = settings({
      metadataUrl: 'https://evil.test/.well-known/openid-configuration',
    });
    expect(resolvePaletteEndpoints(wellKnown, other).issuer).toBe(
      'https://evil.test',
    );
    expect(() =>
      resolvePaletteEndpoints(
        settings({
          metadataUrl: 'https://other.test/.well-known/openid-configuration',
        }),
        other,
      ),
    ).toThrow(mismatch);
    // a non-standard metadataUrl without issuer trusts the document it points to
    expect(
      resolvePaletteEndpoints(
        settings({ metadataUrl: 'https://evil.test/meta' }),
        other,
      ).issuer,
    ).toBe('https://evil.test');
  });

  it('refuses discovered endpoints that are not http(s) URLs and honours jwksUrl', () => {
    expect(() =>
      resolvePaletteEndpoints(settings(), {
        ...discovered,
        token_endpoint: 'data:text/plain,token',
      }),
    ).toThrow('invalid token_endpoint');
    expect(
      resolvePaletteEndpoints(
        settings({ jwksUrl: 'https://p.test/pinned-keys' }),
        discovered,
      ).jwksUri,
    ).toBe('https://p.test/pinned-keys');
    expect(
      resolvePaletteEndpoints(
        settings({ jwksUrl: 'https://p.test/pinned-keys' }),
        undefined,
      ).jwksUri,
    ).toBe('https://p.test/pinned-keys');
    expect(
      resolvePaletteEndpoints(settings(), {
        ...discovered,
        authorization_response_iss_parameter_supported: true,
      }).issParameterRequired,
    ).toBe(true);
  });

  it('derives the issuer from a well-known metadataUrl only', () => {
    expect(
      issuerFromMetadataUrl(
        'https://x.test/realms/r1/.well-known/openid-configuration',
      ),
    ).toBe('https://x.test/realms/r1');
    expect(issuerFromMetadataUrl('https://x.test/meta')).toBe(undefined);
    expect(
      issuerFromMetadataUrl(
        'https://x.test/.well-known/openid-configuration?x=1',
      ),
    ).toBe(undefined);
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
