import { AuthenticationError } from '@backstage/errors';
import {
  fetchBounded,
  OutboundRequestError,
} from '@terasky/backstage-plugin-spectrocloud-token-cache';
import * as oauth from 'oauth4webapi';
import { SpectroCloudProviderSettings } from './config';
import { safeOAuthCode } from './errors';

/** The parts of a token response (RFC 6749 §5.1, OIDC Core §3.1.3.3) the sign-in uses. */
export interface TokenResponse {
  idToken?: string;
  refreshToken?: string;
  scope?: string;
}

/** Maps a failure of the bounded request to a fixed message naming the token endpoint. */
function outboundFailure(
  error: OutboundRequestError,
  timeoutMs: number,
): AuthenticationError {
  switch (error.failure) {
    case 'timeout':
      return new AuthenticationError(
        `Palette did not answer within ${timeoutMs} ms`,
      );
    case 'tooLarge':
      return new AuthenticationError(
        `Palette token endpoint answered with more than ${error.detail} bytes (the configured maxResponseBytes)`,
      );
    default:
      return new AuthenticationError(
        error.detail
          ? `Palette could not be reached (${error.detail})`
          : 'Palette could not be reached',
      );
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * Exchanges an authorization code at the token endpoint (RFC 6749 §4.1.3, PKCE RFC 7636 §4.5):
 * oauth4webapi builds and sends the request (client_secret_basic or client_secret_post), through
 * {@link fetchBounded}: the exchange is ABORTED after `settings.timeoutMs` and the body capped at
 * `settings.maxResponseBytes` while it streams. The response is read as JSON; the ID token is
 * validated by the caller (`validateIdToken`).
 *
 * @throws AuthenticationError with a fixed message: a timeout, a body over the limit, a network
 *   failure, an HTTP error (`answered with HTTP <status>`), an OAuth error response (only a
 *   well-formed error code is named), a body that is not a JSON object. Never a body, code or secret.
 */
export async function exchangeAuthorizationCode(input: {
  settings: SpectroCloudProviderSettings;
  issuer: string;
  tokenEndpoint: string;
  code: string;
  redirectUri: string;
  codeVerifier: string;
}): Promise<TokenResponse> {
  const { settings } = input;
  const as: oauth.AuthorizationServer = {
    issuer: input.issuer,
    token_endpoint: input.tokenEndpoint,
  };
  const client: oauth.Client = { client_id: settings.clientId };
  const clientAuth =
    settings.tokenEndpointAuthMethod === 'client_secret_post'
      ? oauth.ClientSecretPost(settings.clientSecret)
      : oauth.ClientSecretBasic(settings.clientSecret);
  let response: Response;
  try {
    response = await oauth.genericTokenEndpointRequest(
      as,
      client,
      clientAuth,
      'authorization_code',
      new URLSearchParams({
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
      }),
      {
        [oauth.allowInsecureRequests]:
          new URL(input.tokenEndpoint).protocol === 'http:',
        [oauth.customFetch]: (url, init) =>
          fetchBounded(url, init as RequestInit, {
            timeoutMs: settings.timeoutMs,
            maxBytes: settings.maxResponseBytes,
          }),
      },
    );
  } catch (error) {
    const cause =
      error instanceof OutboundRequestError
        ? error
        : (error as { cause?: unknown })?.cause;
    if (cause instanceof OutboundRequestError) {
      throw outboundFailure(cause, settings.timeoutMs);
    }
    throw new AuthenticationError('The token request could not be sent');
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  const record =
    body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  if (response.status !== 200) {
    if (record && record.error !== undefined && response.status < 500) {
      throw new AuthenticationError(
        `Palette token endpoint rejected the request: ${safeOAuthCode(
          record.error,
        )}`,
      );
    }
    throw new AuthenticationError(
      `Palette token endpoint answered with HTTP ${response.status}`,
    );
  }
  if (!record) {
    throw new AuthenticationError(
      'Palette token endpoint returned a non-JSON response',
    );
  }
  return {
    idToken: stringOrUndefined(record.id_token),
    refreshToken: stringOrUndefined(record.refresh_token),
    scope: stringOrUndefined(record.scope),
  };
}
