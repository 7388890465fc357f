import { startMockPalette } from './startMockPalette';
import type { MockPalette } from './types';

const REDIRECT_URI =
  'http://localhost:7007/api/auth/spectrocloud/handler/frame';

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The hidden inputs of the page's form, as a browser would submit them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(
    /<input type="hidden" name="([^"]*)" value="([^"]*)">/g,
  )) {
    fields[decodeEntities(match[1])] = decodeEntities(match[2]);
  }
  return fields;
}

describe('mock Palette login page', () => {
  let palette: MockPalette;

  beforeAll(async () => {
    palette = await startMockPalette({ port: 0 });
  });
  afterAll(() => palette.close());

  const authUrl = (params: Record<string, string>) =>
    `${palette.authorizationUrl}?${new URLSearchParams(params)}`;

  const validParams = {
    response_type: 'code',
    client_id: 'backstage-demo',
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    state: 'st<"&\'>',
    nonce: 'nonce-1',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  };

  it('lists the demo users as buttons in a form posting to approve', async () => {
    const res = await fetch(authUrl(validParams));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>SpectroCloud Palette (mock)</title>');
    expect(html).toContain(
      `<form method="post" action="${palette.issuer}/auth/approve">`,
    );
    for (const text of [
      'Alice Anderson &lt;alice@example.com&gt;</button>',
      'Bob Brown &lt;bob@example.com&gt;</button>',
      'Mallory Moore &lt;mallory@example.com&gt;</button>',
    ]) {
      expect(html).toContain(text);
    }
    expect(html.match(/<button type="submit" name="user"/g)).toHaveLength(3);
  });

  it('HTML-escapes echoed request values', async () => {
    const html = await (await fetch(authUrl(validParams))).text();
    expect(html).toContain('value="st&lt;&quot;&amp;&#39;&gt;"');
    expect(html).not.toContain('st<"&\'>');
    expect(hiddenFields(html)).toEqual({
      response_type: 'code',
      client_id: 'backstage-demo',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      state: 'st<"&\'>',
      nonce: 'nonce-1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
  });

  it('approving redirects to redirect_uri with code and state', async () => {
    const html = await (await fetch(authUrl(validParams))).text();
    const res = await fetch(`${palette.issuer}/auth/approve`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        ...hiddenFields(html),
        user: '65b0b0b0e0000000000000b1',
      }),
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('st<"&\'>');
    const code = location.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const token = await fetch(palette.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
        client_id: 'backstage-demo',
        client_secret: 'backstage-demo-secret',
      }),
    });
    expect(token.status).toBe(200);
  });

  it('keeps existing query parameters of redirect_uri', async () => {
    const res = await fetch(`${palette.issuer}/auth/approve`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        ...validParams,
        redirect_uri: `${REDIRECT_URI}?env=development`,
        user: '65a1a11ce0000000000000a1',
      }),
    });
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('env')).toBe('development');
    expect(location.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('Cancel redirects with error=access_denied', async () => {
    const res = await fetch(`${palette.issuer}/auth/approve`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...validParams, cancel: '1' }),
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(validParams.state);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('rejects an unknown user on approve', async () => {
    const res = await fetch(`${palette.issuer}/auth/approve`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...validParams, user: 'nobody' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it.each([
    ['an unknown client_id', { client_id: 'evil' }, 'Unknown client_id'],
    ['a missing redirect_uri', { redirect_uri: '' }, 'Missing redirect_uri'],
    ['a relative redirect_uri', { redirect_uri: '/cb' }, 'absolute URL'],
    [
      'a javascript: redirect_uri',
      // eslint-disable-next-line no-script-url
      { redirect_uri: 'javascript:alert(1)' },
      'http(s) URL',
    ],
    ['response_type=token', { response_type: 'token' }, 'response_type'],
    ['no openid scope', { scope: 'email' }, 'openid'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'S256'],
  ])('answers %s with a 400 page and no redirect', async (_, change, text) => {
    const params: Record<string, string> = { ...validParams, ...change };
    for (const [key, value] of Object.entries(params)) {
      if (value === '') delete params[key];
    }
    const res = await fetch(authUrl(params), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain(text);

    const approve = await fetch(`${palette.issuer}/auth/approve`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        ...params,
        user: '65a1a11ce0000000000000a1',
      }),
    });
    expect(approve.status).toBe(400);
    expect(approve.headers.get('location')).toBeNull();
  });

  it('rejects a parameter given twice', async () => {
    const res = await fetch(
      `${authUrl(validParams)}&redirect_uri=${encodeURIComponent(
        'https://evil.example/cb',
      )}`,
    );
    expect(res.status).toBe(400);
  });

  it('authorize() validates like the login page', async () => {
    await expect(
      palette.authorize({
        email: 'alice@example.com',
        redirectUri: REDIRECT_URI,
        state: 's',
        clientId: 'evil',
      }),
    ).rejects.toThrow('Unknown client_id');
    await expect(
      palette.authorize({
        email: 'eve@example.com',
        redirectUri: REDIRECT_URI,
        state: 's',
      }),
    ).rejects.toThrow('no such user');
    await expect(
      palette.authorize({
        email: 'alice@example.com',
        redirectUri: REDIRECT_URI,
        state: 's',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        codeChallengeMethod: 'plain',
      }),
    ).rejects.toThrow('S256');
  });
});
