import { redactUrl } from './redactUrl';

describe('redactUrl', () => {
  it('replaces every query value and keeps the path and parameter names', () => {
    expect(
      redactUrl(
        '/api/auth/spectrocloud/handler/frame?code=Nch8hx6Y&state=6e6f6e63',
      ),
    ).toBe(
      '/api/auth/spectrocloud/handler/frame?code=<redacted>&state=<redacted>',
    );
    expect(
      redactUrl(
        '/api/catalog/entities?filter=spec.profile.email%3Dalice%40example.com%2Ckind%3Duser',
      ),
    ).toBe('/api/catalog/entities?filter=<redacted>');
  });

  it('keeps URLs without a query, the origin of absolute URLs, and drops fragments', () => {
    expect(redactUrl('/api/spectrocloud-demo/projects')).toBe(
      '/api/spectrocloud-demo/projects',
    );
    expect(
      redactUrl(
        'http://localhost:7011/v1/oidc/tenant/demo-tenant/auth?nonce=n1#x',
      ),
    ).toBe(
      'http://localhost:7011/v1/oidc/tenant/demo-tenant/auth?nonce=<redacted>',
    );
    expect(redactUrl('/app#token=abc')).toBe('/app');
    expect(
      redactUrl('/api/auth/spectrocloud/refresh?optional&env=development'),
    ).toBe('/api/auth/spectrocloud/refresh?optional=<redacted>&env=<redacted>');
  });
});
