import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import type { FetchApi } from '@backstage/core-plugin-api';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  fakeDiscoveryApi,
  paletteSessionToken,
  REFRESH_URL,
  refreshBody,
} from '../__testUtils__/fakes';
import { SpectroCloudAuth } from './SpectroCloudAuth';

const PROJECTS_URL = 'http://localhost:7007/api/palette-plugin/projects';

const server = setupServer();
registerMswTestHooks(server);

/**
 * A backend as msw handlers: the auth provider's refresh route (works while a sign-in cookie is
 * "set") and a plugin route that answers the re-auth signal while the backend has no Palette
 * session for the user.
 */
function fakeBackend(options: {
  paletteSession: boolean;
  refreshWorks: boolean;
  /** What a refresh does to the backend's Palette session (e.g. renews an expired token). */
  refreshRestoresSession?: boolean;
  /** Status of the signal: 401 (our helper) or e.g. 500 (the published plugin). */
  signalStatus?: number;
  /** The backend never finds a session, whatever happens. */
  alwaysSignal?: boolean;
  /** The header is not readable (another origin without `exposedHeaders`): the typed error only. */
  headerHidden?: boolean;
}) {
  const state = { ...options, refreshes: 0, requests: 0 };
  server.use(
    http.get(REFRESH_URL, () => {
      state.refreshes += 1;
      if (!state.refreshWorks) {
        return HttpResponse.json(
          { error: { name: 'AuthenticationError', message: 'no session' } },
          { status: 401 },
        );
      }
      if (state.refreshRestoresSession) {
        state.paletteSession = true;
      }
      return HttpResponse.json(refreshBody(paletteSessionToken));
    }),
    http.get(PROJECTS_URL, async () => {
      state.requests += 1;
      await new Promise(r => setTimeout(r, 5)); // let concurrent calls overlap
      if (state.paletteSession && !state.alwaysSignal) {
        return HttpResponse.json({ items: [{ name: 'payments' }] });
      }
      return HttpResponse.json(
        { error: { name: 'SpectroCloudSessionRequiredError', message: 'x' } },
        {
          status: state.signalStatus ?? 401,
          headers: state.headerHidden
            ? {}
            : { 'X-SpectroCloud-ReAuth-Required': 'true' },
        },
      );
    }),
  );
  return state;
}

/** The API with a sign-in requester (dialog + popup) that signs in, or is cancelled. */
function createApi(
  backend: ReturnType<typeof fakeBackend>,
  signIn: 'succeeds' | 'is cancelled',
) {
  const authRequester = jest.fn(async () => {
    await new Promise(r => setTimeout(r, 10));
    if (signIn === 'is cancelled') {
      throw new Error('Login request rejected by user');
    }
    backend.refreshWorks = true;
    backend.paletteSession = true;
    return {} as any;
  });
  const api = SpectroCloudAuth.create({
    discoveryApi: fakeDiscoveryApi,
    oauthRequestApi: {
      createAuthRequester: () => authRequester as any,
      authRequest$: jest.fn(),
    },
    configApi: mockApis.config(),
  });
  const fetchApi: FetchApi = { fetch: (input, init) => fetch(input, init) };
  return { fetchApi: api.withSessionRecovery(fetchApi), authRequester };
}

describe('SpectroCloudAuth.withSessionRecovery', () => {
  it('passes a healthy call through: one request, no refresh, no sign-in', async () => {
    const backend = fakeBackend({ paletteSession: true, refreshWorks: true });
    const { fetchApi, authRequester } = createApi(backend, 'succeeds');
    const res = await fetchApi.fetch(PROJECTS_URL);
    expect(res.status).toBe(200);
    expect(backend).toMatchObject({ requests: 1, refreshes: 0 });
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('heals silently when a session refresh brings the Palette session back (no popup)', async () => {
    const backend = fakeBackend({
      paletteSession: false,
      refreshWorks: true,
      refreshRestoresSession: true,
    });
    const { fetchApi, authRequester } = createApi(backend, 'succeeds');
    const res = await fetchApi.fetch(PROJECTS_URL);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [{ name: 'payments' }] });
    expect(backend).toMatchObject({ requests: 2, refreshes: 1 });
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('also reacts to the published plugin’s signal (header on a non-401 status)', async () => {
    const backend = fakeBackend({
      paletteSession: false,
      refreshWorks: true,
      refreshRestoresSession: true,
      signalStatus: 500,
    });
    const { fetchApi } = createApi(backend, 'succeeds');
    expect((await fetchApi.fetch(PROJECTS_URL)).status).toBe(200);
    expect(backend.refreshes).toBe(1);
  });

  it('recognises the typed 401 when CORS hides the header', async () => {
    const backend = fakeBackend({
      paletteSession: false,
      refreshWorks: true,
      refreshRestoresSession: true,
      headerHidden: true,
    });
    const { fetchApi } = createApi(backend, 'succeeds');
    expect((await fetchApi.fetch(PROJECTS_URL)).status).toBe(200);
    expect(backend).toMatchObject({ requests: 2, refreshes: 1 });
  });

  it('leaves other 401 answers alone (no refresh, no sign-in)', async () => {
    const backend = fakeBackend({ paletteSession: true, refreshWorks: true });
    server.use(
      http.get(PROJECTS_URL, () =>
        HttpResponse.json(
          { error: { name: 'AuthenticationError', message: 'no token' } },
          { status: 401 },
        ),
      ),
    );
    const { fetchApi, authRequester } = createApi(backend, 'succeeds');
    expect((await fetchApi.fetch(PROJECTS_URL)).status).toBe(401);
    expect(backend.refreshes).toBe(0);
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('concurrent failing calls: one silent refresh, one sign-in request, each call retried, all healed', async () => {
    const backend = fakeBackend({ paletteSession: false, refreshWorks: false });
    const { fetchApi, authRequester } = createApi(backend, 'succeeds');
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map(() => fetchApi.fetch(PROJECTS_URL)),
    );
    expect(responses.map(r => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(authRequester).toHaveBeenCalledTimes(1);
    // the silent refresh (failed), then the one that takes up the new sign-in
    expect(backend.refreshes).toBe(2);
    // each call: the first request, the retry after the refresh, the retry after the sign-in
    expect(backend.requests).toBe(15);
  });

  it('a cancelled sign-in: one request to the user, then every call resolves to the signal response', async () => {
    const backend = fakeBackend({ paletteSession: false, refreshWorks: false });
    const { fetchApi, authRequester } = createApi(backend, 'is cancelled');
    const responses = await Promise.all(
      [1, 2, 3].map(() => fetchApi.fetch(PROJECTS_URL)),
    );
    expect(responses.map(r => r.status)).toEqual([401, 401, 401]);
    expect(
      responses.map(r => r.headers.get('x-spectrocloud-reauth-required')),
    ).toEqual(['true', 'true', 'true']);
    expect(authRequester).toHaveBeenCalledTimes(1);
    expect(backend.requests).toBe(6); // first + one retry after the refresh, per call
  });

  it('never loops: a backend that keeps signalling gets at most three requests per call', async () => {
    const backend = fakeBackend({
      paletteSession: false,
      refreshWorks: false,
      alwaysSignal: true,
    });
    const { fetchApi, authRequester } = createApi(backend, 'succeeds');
    const res = await fetchApi.fetch(PROJECTS_URL);
    expect(res.status).toBe(401);
    expect(backend.requests).toBe(3);
    expect(authRequester).toHaveBeenCalledTimes(1);
  });

  it('a call answered with the signal after another call already healed retries without a new refresh or sign-in', async () => {
    const backend = fakeBackend({ paletteSession: false, refreshWorks: false });
    // The answer is decided when the request arrives; the second request is answered late, after
    // the first call's refresh and sign-in have ended (the refresh works by then).
    let arrivals = 0;
    server.use(
      http.get(PROJECTS_URL, async () => {
        arrivals += 1;
        backend.requests += 1;
        const healthy = backend.paletteSession;
        await new Promise(r => setTimeout(r, arrivals === 2 ? 150 : 5));
        return healthy
          ? HttpResponse.json({ items: [{ name: 'payments' }] })
          : HttpResponse.json(
              { error: { name: 'SpectroCloudSessionRequiredError' } },
              {
                status: 401,
                headers: { 'X-SpectroCloud-ReAuth-Required': 'true' },
              },
            );
      }),
    );
    const { fetchApi, authRequester } = createApi(backend, 'succeeds');
    const first = fetchApi.fetch(PROJECTS_URL);
    await new Promise(r => setTimeout(r, 1)); // the first call's request arrives first
    const second = fetchApi.fetch(PROJECTS_URL);
    expect((await first).status).toBe(200);
    expect(backend.refreshes).toBe(2); // the failed silent one, the one after the sign-in
    const late = await second;
    expect(late.status).toBe(200);
    expect(backend.refreshes).toBe(2);
    expect(authRequester).toHaveBeenCalledTimes(1);
    // first: request, retry after refresh, retry after sign-in; second: request, one retry
    expect(backend.requests).toBe(5);
  });

  it('a stream body cannot be sent twice: the call resolves to the signal response instead of rejecting', async () => {
    const backend = fakeBackend({ paletteSession: false, refreshWorks: false });
    server.use(
      http.post(PROJECTS_URL, async ({ request }) => {
        backend.requests += 1;
        await request.text();
        return HttpResponse.json(
          { error: { name: 'SpectroCloudSessionRequiredError' } },
          {
            status: 401,
            headers: { 'X-SpectroCloud-ReAuth-Required': 'true' },
          },
        );
      }),
    );
    const { fetchApi, authRequester } = createApi(backend, 'succeeds');
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":"payments"}'));
        controller.close();
      },
    });
    const res = await fetchApi.fetch(PROJECTS_URL, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-spectrocloud-reauth-required')).toBe('true');
    expect(backend.requests).toBe(1);
    expect(authRequester).not.toHaveBeenCalled();
  });
});
