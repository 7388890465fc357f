import express, { type Request, type Response, Router } from 'express';
import {
  approveAuthorizationRequest,
  buildRedirectUrl,
  parseAuthorizationRequest,
} from './authorizationRequests';
import type { MockPaletteContext } from './context';
import { answerWithFault } from './faults';
import { asyncHandler } from './http';
import { renderErrorPage, renderLoginPage } from './loginPage';
import { createTokenHandler } from './tokenRoute';
import { fullName } from './users';

const SCOPES = ['openid', 'profile', 'email'];
const CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'email',
  'email_verified',
  'given_name',
  'family_name',
  'name',
];

function sendHtml(res: Response, status: number, html: string): void {
  res.set('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

/**
 * The OIDC provider routes of the tenant, to mount at the issuer path
 * (`/v1/oidc/tenant/:tenant`): `GET /.well-known/openid-configuration`,
 * `GET /.well-known/jwks.json` (both subject to the fault switches in
 * `ctx.settings`), `GET /auth` (login page, 400 HTML page for a
 * bad request, never a redirect), `POST /auth/approve` (302 to
 * `redirect_uri?code&state`, or `?error=access_denied&state` on Cancel) and
 * `POST /token` and `GET /userinfo` (OIDC Core §5.3: `Authorization: Bearer
 * <access token>` of a token response; 401 otherwise).
 */
export function createOidcRouter(ctx: MockPaletteContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '32kb' });

  router.get('/.well-known/openid-configuration', (_req, res) => {
    ctx.calls.discovery += 1;
    if (answerWithFault(res, ctx.settings.discoveryFault)) {
      return;
    }
    res.json({
      issuer: ctx.settings.discoveryIssuer ?? ctx.issuer,
      authorization_endpoint: `${ctx.issuer}/auth`,
      token_endpoint: `${ctx.issuer}/token`,
      jwks_uri: `${ctx.issuer}/.well-known/jwks.json`,
      userinfo_endpoint: `${ctx.issuer}/userinfo`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [ctx.settings.idTokenSigningAlg],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
      ],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: SCOPES,
      claims_supported: CLAIMS,
      grant_types_supported: ctx.settings.refreshTokenGrant
        ? ['authorization_code', 'refresh_token']
        : ['authorization_code'],
    });
  });

  router.get('/.well-known/jwks.json', (_req, res) => {
    ctx.calls.jwks += 1;
    if (answerWithFault(res, ctx.settings.jwksFault)) {
      return;
    }
    res.json(
      ctx.keys.jwks(ctx.settings.omitKeyId, ctx.settings.idTokenSigningAlg),
    );
  });

  router.get('/auth', (req: Request, res: Response) => {
    const parsed = parseAuthorizationRequest(req.query, ctx.clientId);
    if (!parsed.ok) {
      sendHtml(res, 400, renderErrorPage(parsed.message));
      return;
    }
    sendHtml(
      res,
      200,
      renderLoginPage({
        tenant: ctx.tenant,
        approveUrl: `${ctx.issuer}/auth/approve`,
        request: parsed.request,
        users: ctx.users,
      }),
    );
  });

  router.post(
    '/auth/approve',
    form,
    asyncHandler(async (req, res) => {
      const body: Record<string, unknown> = req.body ?? {};
      const parsed = parseAuthorizationRequest(body, ctx.clientId);
      if (!parsed.ok) {
        sendHtml(res, 400, renderErrorPage(parsed.message));
        return;
      }
      const { request } = parsed;
      if (body.cancel !== undefined) {
        res.redirect(
          302,
          buildRedirectUrl(request.redirectUri, {
            error: 'access_denied',
            state: request.state,
          }),
        );
        return;
      }
      const user = ctx.users.find(u => u.uid === body.user);
      if (!user) {
        sendHtml(res, 400, renderErrorPage('Unknown user.'));
        return;
      }
      const code = await approveAuthorizationRequest(ctx, request, user);
      res.redirect(
        302,
        buildRedirectUrl(request.redirectUri, { code, state: request.state }),
      );
    }),
  );

  router.post('/token', form, asyncHandler(createTokenHandler(ctx)));

  router.get('/userinfo', (req, res) => {
    ctx.calls.userinfo += 1;
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    const user =
      scheme?.toLowerCase() === 'bearer' && token
        ? ctx.accessTokens.userOf(token)
        : undefined;
    res.set('Cache-Control', 'no-store');
    if (!user) {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    res.json({
      sub: user.uid,
      email: user.email,
      email_verified: true,
      given_name: user.givenName,
      family_name: user.familyName,
      name: fullName(user),
    });
  });

  return router;
}
