import { decodeJwt } from 'jose';
import { startMockPalette } from './startMockPalette';
import type { MockPalette } from './types';

describe('mock Palette REST API', () => {
  let palette: MockPalette;

  beforeAll(async () => {
    palette = await startMockPalette({ port: 0 });
  });
  afterAll(() => palette.close());
  beforeEach(() => palette.resetCalls());

  const get = (path: string, authorization?: string) =>
    fetch(`${palette.url}${path}`, {
      headers: authorization ? { authorization } : {},
    });

  describe('GET /v1/auth/refresh/:token', () => {
    it('fault switch refreshFault: reject refuses a valid token, unavailable answers 503', async () => {
      const token = await palette.issueSessionToken('alice@example.com', 60);
      try {
        palette.settings.refreshFault = 'reject';
        const rejected = await get(`/v1/auth/refresh/${token}`);
        expect(rejected.status).toBe(401);
        expect(await rejected.json()).toMatchObject({ code: 'InvalidToken' });
        palette.settings.refreshFault = 'unavailable';
        const unavailable = await get(`/v1/auth/refresh/${token}`);
        expect(unavailable.status).toBe(503);
        expect(palette.calls.refresh).toBe(2);
      } finally {
        palette.settings.refreshFault = 'none';
      }
      expect((await get(`/v1/auth/refresh/${token}`)).status).toBe(200);
    });

    it('returns a new session token with a fresh expiry', async () => {
      const old = await palette.issueSessionToken('alice@example.com', 30);
      const res = await get(`/v1/auth/refresh/${old}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(Object.keys(body)).toEqual(['Authorization']);
      expect(body.Authorization).not.toBe(old);
      const claims = decodeJwt(body.Authorization);
      expect(claims).toEqual(
        expect.objectContaining({
          email: 'alice@example.com',
          uid: '65a1a11ce0000000000000a1',
          tenantUid: 'demo-tenant',
        }),
      );
      expect(claims.exp! - claims.iat!).toBe(900);
      expect(claims.exp!).toBeGreaterThan(decodeJwt(old).exp!);

      const me = await get('/v1/users/me', body.Authorization);
      expect(me.status).toBe(200);
      expect(palette.calls.refresh).toBe(1);
    });

    it.each([
      [
        'an expired token',
        async () => palette.issueSessionToken('bob@example.com', -5),
      ],
      ['garbage', async () => 'not-a-jwt'],
      [
        'a token signed by someone else',
        async () =>
          palette.signIdToken({
            email: 'bob@example.com',
            uid: '65b0b0b0e0000000000000b1',
            tenantUid: 'demo-tenant',
            exp: Math.floor(Date.now() / 1000) + 600,
          }),
      ],
    ])('rejects %s with 401 InvalidToken', async (_, makeToken) => {
      const token = await makeToken();
      const res = await get(`/v1/auth/refresh/${token}`);
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        code: 'InvalidToken',
        message: expect.any(String),
      });
      expect(text).not.toContain(token);
    });

    it('rejects a malformed URL encoding without echoing it', async () => {
      const res = await get('/v1/auth/refresh/abc%E0secret');
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain('secret');
    });
  });

  describe('GET /v1/users/me', () => {
    it("returns the caller's profile", async () => {
      const token = await palette.issueSessionToken('bob@example.com');
      const res = await get('/v1/users/me', token);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        metadata: { uid: '65b0b0b0e0000000000000b1', name: 'Bob Brown' },
        spec: {
          emailId: 'bob@example.com',
          firstName: 'Bob',
          lastName: 'Brown',
        },
      });
      expect(palette.calls.usersMe).toBe(1);
    });

    it('rejects a Bearer-prefixed header like Palette does', async () => {
      const token = await palette.issueSessionToken('bob@example.com');
      const res = await get('/v1/users/me', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect((await res.json()).message).toMatch(/without "Bearer"/);
    });
  });

  describe('GET /v1/projects', () => {
    it("returns only the caller's projects", async () => {
      const alice = await palette.issueSessionToken('alice@example.com');
      const res = await fetch(`${palette.url}/v1/projects`, {
        headers: { authorization: alice, ProjectUid: 'ignored' },
      });
      expect(res.status).toBe(200);
      const { items } = await res.json();
      expect(items.map((p: any) => p.metadata.name)).toEqual([
        'alice-dev',
        'payments',
      ]);
      expect(items[0]).toEqual({
        metadata: { uid: '65a1a11ce0000000000001a1', name: 'alice-dev' },
        status: { isDisabled: false },
      });

      const bob = await palette.issueSessionToken('bob@example.com');
      const bobItems = (await (await get('/v1/projects', bob)).json()).items;
      expect(bobItems.map((p: any) => p.metadata.name)).toEqual([
        'bob-sandbox',
      ]);
      expect(palette.calls.projects).toBe(2);
    });

    it.each([
      ['no token', async () => undefined],
      ['garbage', async () => 'garbage'],
      [
        'an expired token',
        async () => palette.issueSessionToken('alice@example.com', -1),
      ],
      [
        'a token from another mock instance',
        async () => {
          const other = await startMockPalette({ port: 0 });
          try {
            return await other.issueSessionToken('alice@example.com');
          } finally {
            await other.close();
          }
        },
      ],
    ])('answers 401 for %s', async (_, makeToken) => {
      const res = await get('/v1/projects', await makeToken());
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        code: expect.any(String),
        message: expect.any(String),
      });
    });
  });

  it('issueSessionToken throws for an unknown user', async () => {
    await expect(palette.issueSessionToken('eve@example.com')).rejects.toThrow(
      'no such user',
    );
  });
});
