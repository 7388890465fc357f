import type { Request, Response } from 'express';
import { authenticateClient } from './clientAuthentication';
import type { MockPaletteContext } from './context';
import { sendOAuthError } from './http';
import { verifyS256CodeVerifier } from './pkce';
import { findUserByEmail, fullName, type DemoUser } from './users';

function param(
  body: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * `POST {issuer}/token`: the authorization_code grant (RFC 6749 section
 * 4.1.3 with PKCE, RFC 7636). Expects a form-urlencoded body (already parsed
 * into `req.body`). Errors are OAuth JSON (`invalid_client` 401,
 * `invalid_request` / `invalid_grant` / `unsupported_grant_type` 400). A code
 * is spent by its first use, even a failed one. Success: `{ access_token
 * (random, opaque), token_type: 'Bearer', expires_in (= ID token lifetime,
 * seconds), scope, id_token (RS256), refresh_token? (session token, only
 * with delivery 'refresh_token') }`. With `settings.refreshTokenGrant` also
 * the `refresh_token` grant (RFC 6749 section 6) with a valid session token:
 * the same answer with a new ID token (no nonce) and no refresh_token.
 */
export function createTokenHandler(ctx: MockPaletteContext) {
  return async (req: Request, res: Response): Promise<void> => {
    ctx.calls.token += 1;
    const body: Record<string, unknown> =
      req.body && typeof req.body === 'object' ? req.body : {};

    const client = authenticateClient(req.headers.authorization, body, ctx);
    if (!client.ok) {
      sendOAuthError(res, client.error, client.description);
      return;
    }

    const grantType = param(body, 'grant_type');
    if (!grantType) {
      sendOAuthError(res, 'invalid_request', 'Missing grant_type.');
      return;
    }
    if (grantType === 'refresh_token' && ctx.settings.refreshTokenGrant) {
      const claims = await ctx.sessionTokens.verify(
        param(body, 'refresh_token') ?? '',
      );
      const user = claims && findUserByEmail(ctx.users, claims.email);
      if (!user) {
        sendOAuthError(
          res,
          'invalid_grant',
          'The refresh token is unknown or expired.',
        );
        return;
      }
      await sendTokens(res, ctx, {
        user,
        clientId: client.clientId,
        scope: 'openid profile email',
        authTime: claims.iat,
      });
      return;
    }
    if (grantType !== 'authorization_code') {
      sendOAuthError(
        res,
        'unsupported_grant_type',
        'Only the authorization_code grant is supported.',
      );
      return;
    }
    const code = param(body, 'code');
    const redirectUri = param(body, 'redirect_uri');
    const codeVerifier = param(body, 'code_verifier');
    if (!code) {
      sendOAuthError(res, 'invalid_request', 'Missing code.');
      return;
    }
    if (!redirectUri) {
      sendOAuthError(res, 'invalid_request', 'Missing redirect_uri.');
      return;
    }

    const grant = ctx.codes.consume(code);
    if (!grant) {
      sendOAuthError(
        res,
        'invalid_grant',
        'The authorization code is unknown, used or expired.',
      );
      return;
    }
    if (grant.clientId !== client.clientId) {
      sendOAuthError(
        res,
        'invalid_grant',
        'The authorization code was issued to another client.',
      );
      return;
    }
    if (grant.redirectUri !== redirectUri) {
      sendOAuthError(
        res,
        'invalid_grant',
        'redirect_uri does not match the authorization request.',
      );
      return;
    }
    if (grant.codeChallenge) {
      if (!codeVerifier) {
        sendOAuthError(res, 'invalid_grant', 'Missing PKCE code_verifier.');
        return;
      }
      if (!verifyS256CodeVerifier(codeVerifier, grant.codeChallenge)) {
        sendOAuthError(res, 'invalid_grant', 'PKCE verification failed.');
        return;
      }
    } else if (codeVerifier) {
      sendOAuthError(
        res,
        'invalid_grant',
        'code_verifier sent but the authorization request had no code_challenge.',
      );
      return;
    }

    const refreshToken =
      ctx.settings.sessionTokenDelivery === 'refresh_token'
        ? await ctx.sessionTokens.issue(
            grant.user,
            ctx.settings.sessionTokenLifetimeSeconds,
          )
        : undefined;
    await sendTokens(res, ctx, {
      user: grant.user,
      clientId: client.clientId,
      scope: grant.scope,
      authTime: grant.authTime,
      nonce: grant.nonce,
      refreshToken,
    });
  };
}

/** Answers a successful token response (ID token signed now, a new access token). */
async function sendTokens(
  res: Response,
  ctx: MockPaletteContext,
  grant: {
    user: DemoUser;
    clientId: string;
    scope: string;
    authTime: number;
    nonce?: string;
    refreshToken?: string;
  },
): Promise<void> {
  const { user, refreshToken } = grant;
  const { settings } = ctx;
  const now = Math.floor(Date.now() / 1000);
  const idToken = await ctx.keys.sign(
    {
      iss: ctx.issuer,
      sub: user.uid,
      aud: grant.clientId,
      exp: now + settings.idTokenLifetimeSeconds,
      iat: now,
      auth_time: grant.authTime,
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      email: user.email,
      email_verified: true,
      given_name: user.givenName,
      family_name: user.familyName,
      name: fullName(user),
    },
    { omitKid: settings.omitKeyId, alg: settings.idTokenSigningAlg },
  );
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  res.json({
    access_token: ctx.accessTokens.issue(user, settings.idTokenLifetimeSeconds),
    token_type: 'Bearer',
    expires_in: settings.idTokenLifetimeSeconds,
    scope: grant.scope,
    id_token: idToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  });
}
