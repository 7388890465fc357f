import { randomAuthorizationCode } from './authorizationCodes';
import type { MockPaletteContext } from './context';
import type { DemoUser } from './users';

/** A validated OAuth 2.0 / OIDC authorization request (response_type=code). */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  scope: string;
  codeChallenge?: string;
  /** Always `S256` when `codeChallenge` is set. */
  codeChallengeMethod?: 'S256';
}

/** Result of {@link parseAuthorizationRequest}. */
export type AuthorizationRequestResult =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; message: string };

const CODE_CHALLENGE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

function single(
  params: Record<string, unknown>,
  name: string,
): string | undefined | null {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * Validates authorization request parameters (query of `GET /auth`, or the
 * hidden fields of the approval form): `client_id` must be the mock's client,
 * `redirect_uri` an absolute http(s) URL without fragment, `response_type`
 * `code`, `scope` must contain `openid`, and a PKCE `code_challenge` must use
 * `code_challenge_method=S256` (RFC 7636; `plain` is refused). Parameters
 * given twice are refused. Never throws.
 */
export function parseAuthorizationRequest(
  params: Record<string, unknown>,
  expectedClientId: string,
): AuthorizationRequestResult {
  const names = [
    'client_id',
    'redirect_uri',
    'response_type',
    'scope',
    'state',
    'nonce',
    'code_challenge',
    'code_challenge_method',
  ] as const;
  const values: Partial<Record<(typeof names)[number], string>> = {};
  for (const name of names) {
    const value = single(params, name);
    if (value === null) {
      return { ok: false, message: `Parameter ${name} must be given once.` };
    }
    values[name] = value;
  }

  if (!values.client_id) {
    return { ok: false, message: 'Missing client_id.' };
  }
  if (values.client_id !== expectedClientId) {
    return { ok: false, message: 'Unknown client_id.' };
  }
  if (!values.redirect_uri) {
    return { ok: false, message: 'Missing redirect_uri.' };
  }
  let redirect: URL;
  try {
    redirect = new URL(values.redirect_uri);
  } catch {
    return { ok: false, message: 'redirect_uri is not an absolute URL.' };
  }
  if (!['http:', 'https:'].includes(redirect.protocol) || redirect.hash) {
    return {
      ok: false,
      message: 'redirect_uri must be an http(s) URL without a fragment.',
    };
  }
  if (values.response_type !== 'code') {
    return { ok: false, message: 'response_type must be "code".' };
  }
  const scope = values.scope ?? '';
  if (!scope.split(' ').includes('openid')) {
    return { ok: false, message: 'scope must include "openid".' };
  }
  if (values.code_challenge === undefined) {
    if (values.code_challenge_method !== undefined) {
      return {
        ok: false,
        message: 'code_challenge_method given without code_challenge.',
      };
    }
  } else {
    if (values.code_challenge_method !== 'S256') {
      return {
        ok: false,
        message: 'code_challenge_method must be "S256".',
      };
    }
    if (!CODE_CHALLENGE_PATTERN.test(values.code_challenge)) {
      return { ok: false, message: 'code_challenge is malformed.' };
    }
  }

  return {
    ok: true,
    request: {
      clientId: values.client_id,
      redirectUri: values.redirect_uri,
      state: values.state,
      nonce: values.nonce,
      scope,
      codeChallenge: values.code_challenge,
      codeChallengeMethod: values.code_challenge ? 'S256' : undefined,
    },
  };
}

/**
 * Approves a validated request for `user` and returns a one-time
 * authorization code. With `settings.sessionTokenDelivery === 'code'` the
 * code is the user's session token (HS256 JWT, as some Palette versions do);
 * otherwise it is random and opaque.
 */
export async function approveAuthorizationRequest(
  ctx: MockPaletteContext,
  request: AuthorizationRequest,
  user: DemoUser,
): Promise<string> {
  const code =
    ctx.settings.sessionTokenDelivery === 'code'
      ? await ctx.sessionTokens.issue(
          user,
          ctx.settings.sessionTokenLifetimeSeconds,
        )
      : randomAuthorizationCode();
  ctx.codes.add(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scope: request.scope,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    user,
    authTime: Math.floor(Date.now() / 1000),
  });
  return code;
}

/** `redirectUri` with the given query parameters added (existing ones kept). */
export function buildRedirectUrl(
  redirectUri: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}
