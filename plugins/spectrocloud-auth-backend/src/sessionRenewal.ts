import { SpectroCloudProviderSettings } from './config';
import { PaletteSessionToken } from './sessionToken';

/**
 * SEAM for renewing an expired Palette session token during a Backstage refresh.
 *
 * Palette renews with `GET /v1/auth/refresh/<token>` (answer `{ "Authorization": "<new token>" }`).
 * Not implemented yet: this always resolves `undefined`, so a refresh after the session token
 * expired fails and the user signs in again. When implemented, the token travels in a URL path of
 * a server-to-server call and must not appear in any log line or error message.
 *
 * @returns the renewed token, or `undefined` when renewal is not possible
 */
export async function renewPaletteSessionToken(_options: {
  sessionToken: string;
  settings: SpectroCloudProviderSettings;
}): Promise<PaletteSessionToken | undefined> {
  return undefined;
}
