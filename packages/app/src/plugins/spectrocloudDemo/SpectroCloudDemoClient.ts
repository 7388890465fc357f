import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';

/** What `GET /api/spectrocloud-demo/session` answers: never the token itself. */
export interface PaletteSessionInfo {
  /** When the cached Palette session token expires, in epoch SECONDS. */
  expiresAt: number;
  /** Seconds left until `expiresAt` when the backend answered (0 when already expired). */
  expiresInSeconds: number;
}

/** A Palette project of the signed-in user. */
export interface PaletteProject {
  uid: string;
  name: string;
}

/**
 * A failed call of the demo backend, with a message fit for users: no stack trace, no server
 * internals. `sessionEnded` is `true` when the backend has no Palette session for the user (the
 * `X-SpectroCloud-ReAuth-Required: true` signal, still there after the fetch wrapper's silent
 * refresh and sign-in request).
 */
export class DemoRequestError extends Error {
  constructor(message: string, readonly sessionEnded: boolean) {
    super(message);
    this.name = 'DemoRequestError';
  }
}

/**
 * A plain message for a failed answer (the backend's own message for 4xx and gateway errors, a
 * generic one for other 5xx), and whether it is the re-auth signal (header, or the typed error
 * when the header is not readable across origins).
 */
async function describeFailure(
  response: Response,
): Promise<{ message: string; sessionEnded: boolean }> {
  let error: { name?: unknown; message?: unknown } | undefined;
  try {
    error = (await response.json())?.error;
  } catch {
    // not JSON
  }
  const sessionEnded =
    response.headers.get('x-spectrocloud-reauth-required') === 'true' ||
    error?.name === 'SpectroCloudSessionRequiredError';
  if (response.status >= 500 && ![502, 503, 504].includes(response.status)) {
    return {
      message: `The server could not complete the request (HTTP ${response.status}). Try again later.`,
      sessionEnded,
    };
  }
  const text = typeof error?.message === 'string' ? error.message.trim() : '';
  return {
    message: !text
      ? `The server answered HTTP ${response.status}.`
      : text.length > 300
      ? `${text.slice(0, 300)}…`
      : text,
    sessionEnded,
  };
}

/**
 * The app signed in with SpectroCloud, so the fetch API takes the Backstage token from the same
 * session: once the backend lost it, the fetch API asks the user to sign in, and a declined or
 * closed sign-in rejects the call with one of these.
 */
const DECLINED_SIGN_IN = [
  'RejectedError',
  'PopupRejectedError',
  'PopupClosedError',
];

/** A {@link DemoRequestError} for a call that never got an answer. */
function failedRequest(error: unknown): DemoRequestError {
  if (error instanceof Error && DECLINED_SIGN_IN.includes(error.name)) {
    return new DemoRequestError('The SpectroCloud sign-in was declined', true);
  }
  return new DemoRequestError(
    'The server could not be reached. Try again later.',
    false,
  );
}

/**
 * Calls the example backend plugin `spectrocloud-demo` as the signed-in user (the fetch API adds
 * the Backstage token; the backend looks the Palette session token up by that identity). Give it
 * the fetch API wrapped by `spectroCloudAuthApi.withSessionRecovery`, so a lost Palette session
 * heals before an error reaches the page.
 *
 * @throws DemoRequestError for any non-2xx answer, a declined sign-in or an unreachable server
 */
export class SpectroCloudDemoClient {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  /** The expiry of the user's cached Palette session. */
  getSession(): Promise<PaletteSessionInfo> {
    return this.get<PaletteSessionInfo>('/session');
  }

  /** The user's Palette projects (`GET /v1/projects` at Palette). */
  async getProjects(): Promise<PaletteProject[]> {
    const body = await this.get<{ items: PaletteProject[] }>('/projects');
    return body.items;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl(
      'spectrocloud-demo',
    );
    let response: Response;
    try {
      response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    } catch (error) {
      throw failedRequest(error);
    }
    if (!response.ok) {
      const { message, sessionEnded } = await describeFailure(response);
      throw new DemoRequestError(message, sessionEnded);
    }
    return (await response.json()) as T;
  }
}
