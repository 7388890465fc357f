import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';

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
 * Calls the example backend plugin `spectrocloud-demo` as the signed-in user (the fetch API adds
 * the Backstage token; the backend looks the Palette session token up by that identity).
 *
 * @throws ResponseError (from `@backstage/errors`) for any non-2xx answer, with the backend's
 * error message, e.g. 404 when no Palette session is cached, 401 when Palette rejects the token,
 * 502/504 when Palette cannot be reached in time.
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
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
