import { identityApiRef } from '@backstage/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { spectroCloudAuthApiRef } from '@terasky/backstage-plugin-spectrocloud-auth';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SpectroCloudPage } from './SpectroCloudPage';

// An ID token as Palette issues it (RS256; the signature part is a placeholder): claims
// { iss: 'http://localhost:7011/v1/oidc/tenant/demo-tenant', sub: '65a1a11ce0000000000000a1',
//   aud: 'backstage-demo', email: 'alice@example.com', iat: 1767225600, exp: 1767229200 }.
const ID_TOKEN =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImRlbW8ifQ.eyJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjcwMTEvdjEvb2lkYy90ZW5hbnQvZGVtby10ZW5hbnQiLCJzdWIiOiI2NWExYTExY2UwMDAwMDAwMDAwMDAwYTEiLCJhdWQiOiJiYWNrc3RhZ2UtZGVtbyIsImVtYWlsIjoiYWxpY2VAZXhhbXBsZS5jb20iLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyOTIwMH0.c2lnbmF0dXJl';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function renderPage(backend: (url: string) => Response) {
  const fetchImpl = jest.fn(async (input: RequestInfo | URL) =>
    backend(String(input instanceof Request ? input.url : input)),
  );
  const getIdToken = jest.fn(async () => ID_TOKEN);
  // the wrapper's own behaviour is tested in the plugin; here it passes calls through
  const withSessionRecovery = jest.fn((fetchApi: unknown) => fetchApi);
  const signOut = jest.fn(async () => {});
  const identity = mockApis.identity({
    userEntityRef: 'user:default/alice',
    ownershipEntityRefs: ['user:default/alice', 'group:default/demo-users'],
    email: 'alice@example.com',
    displayName: 'Alice Anderson',
  });
  renderInTestApp(<SpectroCloudPage />, {
    apis: [
      [identityApiRef, Object.assign(identity, { signOut })],
      [spectroCloudAuthApiRef, { getIdToken, withSessionRecovery } as any],
      mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      mockApis.fetch({ baseImplementation: fetchImpl as typeof fetch }),
    ],
  });
  return { fetchImpl, signOut, getIdToken, withSessionRecovery };
}

describe('SpectroCloudPage', () => {
  it('shows the identity, the session expiry, the ID token claims and the projects', async () => {
    const { fetchImpl, signOut } = renderPage(url => {
      if (url === 'http://localhost:7007/api/spectrocloud-demo/session') {
        return json(200, { expiresAt: 1767229200, expiresInSeconds: 840 });
      }
      if (url === 'http://localhost:7007/api/spectrocloud-demo/projects') {
        return json(200, {
          items: [
            { uid: '65a1a11ce0000000000001a1', name: 'alice-dev' },
            { uid: '65a1a11ce0000000000001a2', name: 'payments' },
          ],
        });
      }
      return json(404, { error: { name: 'NotFoundError', message: url } });
    });

    const identity = await screen.findByRole('table', {
      name: 'Backstage identity',
    });
    expect(
      within(identity).getByText('user:default/alice'),
    ).toBeInTheDocument();
    expect(
      within(identity).getByText(
        'user:default/alice, group:default/demo-users',
      ),
    ).toBeInTheDocument();
    expect(within(identity).getByText('Alice Anderson')).toBeInTheDocument();

    const claims = await screen.findByRole('table', {
      name: 'ID token claims',
    });
    expect(
      within(claims).getByText(
        'http://localhost:7011/v1/oidc/tenant/demo-tenant',
      ),
    ).toBeInTheDocument();
    expect(
      within(claims).getByText('65a1a11ce0000000000000a1'),
    ).toBeInTheDocument();
    expect(within(claims).getByText('backstage-demo')).toBeInTheDocument();
    expect(
      within(claims).getByText('2026-01-01T01:00:00.000Z (1767229200)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(ID_TOKEN)).not.toBeInTheDocument();

    const projects = await screen.findByRole('table', {
      name: 'Palette projects',
    });
    expect(within(projects).getByText('payments')).toBeInTheDocument();
    expect(
      within(projects).getByText('65a1a11ce0000000000001a1'),
    ).toBeInTheDocument();

    expect(await screen.findByTestId('palette-session')).toHaveTextContent(
      'The Palette session token expires at 2026-01-01T01:00:00.000Z (in 14 min, 840 s).',
    );
    expect(fetchImpl).toHaveBeenCalledTimes(2);

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(signOut).toHaveBeenCalledTimes(1));
  });

  it('shows other backend errors as one plain line each: no stack trace, no JSON, no server paths', async () => {
    renderPage(url =>
      url.endsWith('/session')
        ? json(500, {
            error: {
              name: 'Error',
              message:
                "ENOENT: no such file '/srv/backstage/packages/backend/x'",
              stack:
                'Error: ENOENT\n    at /srv/backstage/packages/backend/src/x.ts:1:1',
            },
            response: { statusCode: 500 },
          })
        : json(504, {
            error: {
              name: 'GatewayTimeoutError',
              message:
                'Palette API did not answer GET /v1/projects within 10000 ms',
            },
            response: { statusCode: 504 },
          }),
    );

    expect(
      await screen.findByText(
        'Could not list the Palette projects: Palette API did not answer GET /v1/projects within 10000 ms',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Could not read the Palette session: The server could not complete the request (HTTP 500). Try again later.',
      ),
    ).toBeInTheDocument();
    const page = document.body.textContent ?? '';
    expect(page).not.toMatch(/\/srv\/|ENOENT|stack|Full Error as JSON/i);
    expect(screen.queryByRole('button', { name: 'Sign in again' })).toBeNull();
  });

  it('after the wrapper could not heal a lost session: one plain message and "Sign in again", which reloads the cards', async () => {
    let sessionLost = true;
    const { getIdToken, withSessionRecovery } = renderPage(url => {
      if (sessionLost) {
        return new Response(
          JSON.stringify({
            error: {
              name: 'SpectroCloudSessionRequiredError',
              message: 'No SpectroCloud Palette session is active',
              stack: 'at /srv/backstage/node_modules/x.js:1:1',
            },
          }),
          {
            status: 401,
            headers: {
              'Content-Type': 'application/json',
              'X-SpectroCloud-ReAuth-Required': 'true',
            },
          },
        );
      }
      return url.endsWith('/session')
        ? json(200, { expiresAt: 1767229200, expiresInSeconds: 840 })
        : json(200, { items: [{ uid: 'p1', name: 'payments' }] });
    });

    const button = await screen.findByRole('button', {
      name: 'Sign in again',
    });
    expect(
      screen.getAllByRole('button', { name: 'Sign in again' }),
    ).toHaveLength(1);
    expect(
      screen.getByText(/Your SpectroCloud Palette session has ended/),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(
      /\/srv\/|stack|Full Error as JSON|Could not/,
    );
    expect(withSessionRecovery).toHaveBeenCalled();

    sessionLost = false;
    fireEvent.click(button);
    await waitFor(() =>
      expect(getIdToken).toHaveBeenCalledWith({ instantPopup: true }),
    );
    const projects = await screen.findByRole('table', {
      name: 'Palette projects',
    });
    expect(within(projects).getByText('payments')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in again' })).toBeNull();
  });

  it('a declined sign-in (the fetch API could not get a Backstage token) also shows the one "Sign in again"', async () => {
    renderPage(() => {
      throw Object.assign(new Error('Login request rejected by user'), {
        name: 'RejectedError',
      });
    });
    expect(
      await screen.findByRole('button', { name: 'Sign in again' }),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/rejected|Could not/);
  });
});
