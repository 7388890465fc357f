import {
  fetchBounded,
  OutboundRequestError,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';

/** Largest accepted `GET /v1/projects` body, in BYTES (4 MiB); the call is aborted beyond it. */
export const MAX_PROJECTS_RESPONSE_BYTES = 4 * 1024 * 1024;

/** A Palette project as the demo shows it. */
export interface PaletteProject {
  uid: string;
  name: string;
}

/**
 * A failed Palette API call, already mapped to the HTTP status the demo route answers with:
 * 401 (Palette rejected the session token), 502 (Palette unreachable or answered badly),
 * 504 (no answer within the timeout). The message never contains the token.
 */
export class PaletteApiError extends Error {
  constructor(
    readonly statusCode: 401 | 502 | 504,
    message: string,
    readonly errorName: string,
  ) {
    super(message);
    this.name = 'PaletteApiError';
  }
}

/** Options of {@link fetchPaletteProjects}. */
export interface FetchPaletteProjectsOptions {
  /** Palette API base URL without a trailing slash, e.g. `https://api.spectrocloud.com`. */
  apiUrl: string;
  /** The user's Palette session token, sent as `Authorization: <token>` (no "Bearer"). */
  sessionToken: string;
  /** Bound of the whole call (headers and body), in MILLISECONDS. */
  timeoutMs: number;
}

function readProject(item: unknown): PaletteProject | undefined {
  if (!item || typeof item !== 'object') {
    return undefined;
  }
  // Palette lists objects as { metadata: { uid, name }, spec, status }; accept flat { uid, name } too.
  const record = item as Record<string, unknown>;
  const source =
    record.metadata && typeof record.metadata === 'object'
      ? (record.metadata as Record<string, unknown>)
      : record;
  const { uid, name } = source;
  return typeof uid === 'string' && typeof name === 'string'
    ? { uid, name }
    : undefined;
}

function parseJson(text: string): { items?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object'
      ? (value as { items?: unknown })
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lists the projects the user can see: `GET <apiUrl>/v1/projects` with the Palette session token.
 *
 * @throws {@link PaletteApiError} with status 401 when Palette answers 401/403, 504 when there is
 * no complete answer within `timeoutMs` (the request is aborted), 502 when a body exceeds
 * {@link MAX_PROJECTS_RESPONSE_BYTES} (aborted too), when Palette cannot be reached or answers with another
 * error or a body without an `items` array.
 */
export async function fetchPaletteProjects(
  options: FetchPaletteProjectsOptions,
): Promise<PaletteProject[]> {
  const { apiUrl, sessionToken, timeoutMs } = options;
  try {
    const response = await fetchBounded(
      `${apiUrl}/v1/projects`,
      { headers: { Authorization: sessionToken, Accept: 'application/json' } },
      { timeoutMs, maxBytes: MAX_PROJECTS_RESPONSE_BYTES },
    );
    if (response.status === 401 || response.status === 403) {
      throw new PaletteApiError(
        401,
        `Palette rejected the session token (HTTP ${response.status}); sign in again`,
        'AuthenticationError',
      );
    }
    if (!response.ok) {
      throw new PaletteApiError(
        502,
        `Palette API answered GET /v1/projects with HTTP ${response.status}`,
        'BadGatewayError',
      );
    }
    const body = parseJson(await response.text());
    if (!body || !Array.isArray(body.items)) {
      throw new PaletteApiError(
        502,
        'Palette API answered GET /v1/projects without an items array',
        'BadGatewayError',
      );
    }
    return body.items
      .map(readProject)
      .filter((p): p is PaletteProject => p !== undefined);
  } catch (error) {
    if (error instanceof PaletteApiError) {
      throw error;
    }
    if (error instanceof OutboundRequestError && error.failure === 'timeout') {
      throw new PaletteApiError(
        504,
        `Palette API did not answer GET /v1/projects within ${timeoutMs} ms`,
        'GatewayTimeoutError',
      );
    }
    if (error instanceof OutboundRequestError && error.failure === 'tooLarge') {
      throw new PaletteApiError(
        502,
        `Palette API answered GET /v1/projects with more than ${MAX_PROJECTS_RESPONSE_BYTES} bytes`,
        'BadGatewayError',
      );
    }
    throw new PaletteApiError(
      502,
      `Could not reach the Palette API at ${apiUrl}`,
      'BadGatewayError',
    );
  }
}
