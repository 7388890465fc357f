import { AuthenticationError } from '@backstage/errors';
import {
  fetchBounded,
  OutboundRequestError,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';
import * as oauth from 'oauth4webapi';
import { SpectroCloudProviderSettings } from './config';
import { safeOAuthCode } from './errors';
import { IdTokenValidationError } from './idToken';

/** The parts of a token response (RFC 6749 §5.1, OIDC Core §3.1.3.3) the sign-in uses. */
export interface TokenResponse {
  /** The ID token, its claims validated (not yet its signature: see `verifyIdToken`). */
  idToken: string;
  claims: oauth.IDToken;
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

/** oauth4webapi's verdict on a compared or timed ID token claim, by the claim it names. */
const CLAIM_RULES: Record<string, string> = {
  iss: 'issuer mismatch',
  aud: 'audience mismatch',
  azp: 'authorized party (azp) mismatch',
  nonce: 'nonce mismatch',
  exp: 'the ID token has expired',
  nbf: 'the ID token is not valid yet',
  auth_time: 'the user authenticated longer ago than maxAge allows',
};

/**
 * The one mapping of oauth4webapi's token response errors to our fixed messages. The library
 * names a claim only in its error text (`JWT "exp" (...) claim missing`), which is read here for
 * the claim's NAME; no value of the response ever reaches a message.
 */
function tokenResponseFailure(error: unknown, algorithms: string[]): Error {
  const endpoint = 'Palette token endpoint';
  if (error instanceof oauth.ResponseBodyError) {
    return new AuthenticationError(
      `${endpoint} rejected the request: ${safeOAuthCode(error.error)}`,
    );
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new AuthenticationError(
      `${endpoint} answered with HTTP ${error.status}`,
    );
  }
  if (
    !(error instanceof oauth.OperationProcessingError) &&
    !(error instanceof oauth.UnsupportedOperationError)
  ) {
    return error as Error;
  }
  const { message, cause } = error as Error & {
    cause?: { claim?: string; status?: number };
  };
  const claim = cause?.claim ?? '';
  // The library's failures about the response itself carry it as `cause`.
  if (typeof cause?.status === 'number' && cause.status !== 200) {
    return new AuthenticationError(
      `${endpoint} answered with HTTP ${cause?.status}`,
    );
  }
  const field = /^"response" body "(\w+)" property/.exec(message)?.[1];
  if (field) {
    return new AuthenticationError(
      field === 'id_token'
        ? `${endpoint} returned no ID token`
        : `${endpoint} returned an invalid ${field}`,
    );
  }
  if (/"response"/.test(message)) {
    return new AuthenticationError(`${endpoint} returned a non-JSON response`);
  }
  if (/token_type/.test(message)) {
    return new AuthenticationError(
      `${endpoint} returned an unsupported token_type`,
    );
  }
  if (/untrusted audiences/.test(message)) {
    return new IdTokenValidationError(
      'the ID token has several audiences and no azp claim',
    );
  }
  if (/"alg" header/.test(message)) {
    return new IdTokenValidationError(
      `the ID token is not signed with an allowed algorithm (${algorithms.join(
        ', ',
      )})`,
    );
  }
  const claimFault = /"(\w+)" \(.+\) (claim missing|claim type|must be)/.exec(
    message,
  );
  if (claimFault) {
    return new IdTokenValidationError(
      `${claimFault[2] === 'claim missing' ? 'missing' : 'malformed'} ${
        claimFault[1]
      } claim`,
    );
  }
  if (CLAIM_RULES[claim]) {
    return new IdTokenValidationError(CLAIM_RULES[claim]);
  }
  // The rest concern the ID token's form: not three parts, a JWE, undecodable, `crit`.
  return new IdTokenValidationError('malformed ID token');
}

/**
 * Exchanges an authorization code at the token endpoint (RFC 6749 §4.1.3, PKCE RFC 7636 §4.5)
 * and validates the response and its ID token's claims, all with oauth4webapi:
 * `genericTokenEndpointRequest` (client_secret_basic or client_secret_post) through
 * {@link fetchBounded}: ABORTED after `settings.timeoutMs`, the body capped at
 * `settings.maxResponseBytes` while it streams; then `processAuthorizationCodeResponse`
 * (RFC 6749 §5.1 fields, OIDC Core §3.1.3.7: an ID token is required; `alg` in
 * `settings.idTokenSigningAlgs`; exact `iss`; `aud` containing the client id and `azp` with
 * several audiences; `exp`, `iat`, `sub` required, `exp`/`nbf` with `clockToleranceSeconds`;
 * `nonce`; `auth_time` with `maxAge`). The signature is checked by the caller (`verifyIdToken`).
 *
 * @throws AuthenticationError with a fixed message: a timeout, a body over the limit, a network
 *   failure, an HTTP error (`answered with HTTP <status>`), an OAuth error response (only a
 *   well-formed error code is named), a body that is not a JSON object, no ID token;
 *   IdTokenValidationError naming the broken claim rule. Never a body, token, code or secret.
 */
export async function exchangeAuthorizationCode(input: {
  settings: SpectroCloudProviderSettings;
  issuer: string;
  tokenEndpoint: string;
  code: string;
  redirectUri: string;
  codeVerifier: string;
  /** The nonce of the authorization request. */
  nonce: string;
}): Promise<TokenResponse> {
  const { settings } = input;
  const as: oauth.AuthorizationServer = {
    issuer: input.issuer,
    token_endpoint: input.tokenEndpoint,
    // Our allow-list, whatever the provider announces.
    id_token_signing_alg_values_supported: settings.idTokenSigningAlgs,
  };
  const client: oauth.Client = {
    client_id: settings.clientId,
    [oauth.clockTolerance]: settings.clockToleranceSeconds,
  };
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
  try {
    const body = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      response,
      {
        requireIdToken: true,
        expectedNonce: input.nonce,
        maxAge: settings.maxAgeSeconds ?? oauth.skipAuthTimeCheck,
      },
    );
    return {
      idToken: body.id_token!,
      claims: oauth.getValidatedIdTokenClaims(body)!,
      refreshToken: body.refresh_token || undefined,
      scope: body.scope || undefined,
    };
  } catch (error) {
    throw tokenResponseFailure(error, settings.idTokenSigningAlgs);
  }
}
