import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import { getSessionTokenForRequest } from './getSessionTokenForRequest';

describe('getSessionTokenForRequest', () => {
  const httpAuth = mockServices.httpAuth();
  const entry = { token: 'palette-session-a', expiresAt: 1_900_000_000 };
  const tokenCache = {
    getSessionTokenForUser: jest.fn(async (ref: string) =>
      ref === 'user:default/alice' ? entry : undefined,
    ),
  };
  const req = (authorization?: string) =>
    ({ headers: authorization ? { authorization } : {} } as any);

  beforeEach(() => tokenCache.getSessionTokenForUser.mockClear());

  it('returns the token of the authenticated user, whatever else the request says', async () => {
    const request = req(mockCredentials.user.header('user:default/alice'));
    request.query = { email: 'bob@example.com', user: 'user:default/bob' };
    await expect(
      getSessionTokenForRequest(request, { httpAuth, tokenCache }),
    ).resolves.toEqual({ userEntityRef: 'user:default/alice', entry });
    expect(tokenCache.getSessionTokenForUser).toHaveBeenCalledWith(
      'user:default/alice',
    );
  });

  it('returns no entry for a user without a cached token', async () => {
    await expect(
      getSessionTokenForRequest(
        req(mockCredentials.user.header('user:default/bob')),
        { httpAuth, tokenCache },
      ),
    ).resolves.toEqual({ userEntityRef: 'user:default/bob', entry: undefined });
  });

  it('refuses requests without user credentials before looking anything up', async () => {
    await expect(
      getSessionTokenForRequest(req(mockCredentials.none.header()), {
        httpAuth,
        tokenCache,
      }),
    ).rejects.toThrow(AuthenticationError);
    await expect(
      getSessionTokenForRequest(req(mockCredentials.service.header()), {
        httpAuth,
        tokenCache,
      }),
    ).rejects.toThrow(NotAllowedError);
    expect(tokenCache.getSessionTokenForUser).not.toHaveBeenCalled();
  });
});
