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
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it.each([
    [2500, 2500],
    ['3s', 3000],
    ['PT1.5S', 1500],
    [{ seconds: 4 }, 4000],
  ])('reads timeout %j as %i ms', (timeout, ms) => {
    expect(read({ timeout }).timeoutMs).toBe(ms);
  });

  it('rejects bad values without echoing secrets', () => {
    expect(() => read({ timeout: 0 })).toThrow('positive duration');
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
