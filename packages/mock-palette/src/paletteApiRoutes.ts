import { type Request, type Response, Router } from 'express';
import type { MockPaletteContext } from './context';
import { answerWithFault } from './faults';
import { asyncHandler, sendPaletteError } from './http';
import { type DemoUser, fullName } from './users';

async function authenticate(
  ctx: MockPaletteContext,
  req: Request,
  res: Response,
): Promise<DemoUser | undefined> {
  const header = req.headers.authorization;
  if (!header) {
    sendPaletteError(res, 401, 'Unauthorized', 'Missing Authorization header.');
    return undefined;
  }
  if (/^bearer /i.test(header)) {
    sendPaletteError(
      res,
      401,
      'InvalidToken',
      'The Authorization header takes the bare session token, without "Bearer".',
    );
    return undefined;
  }
  const claims = await ctx.sessionTokens.verify(header);
  const user = claims && ctx.users.find(u => u.uid === claims.uid);
  if (!user) {
    sendPaletteError(
      res,
      401,
      'InvalidToken',
      'The session token is invalid or expired.',
    );
    return undefined;
  }
  return user;
}

/**
 * The slice of the Palette REST API the demo uses, mounted at `/`:
 * - `GET /v1/auth/refresh/:token` -> `{ Authorization: <new session token> }`
 *   for a valid unexpired token, else 401 `{ code: 'InvalidToken', message }`
 *   (fault switch `settings.refreshFault`);
 * - `GET /v1/users/me` -> `{ metadata: { uid, name }, spec: { emailId,
 *   firstName, lastName } }`;
 * - `GET /v1/projects` -> `{ items: [{ metadata: { uid, name }, status: {
 *   isDisabled: false } }] }` (the caller's projects; `ProjectUid` ignored).
 * The last two need header `Authorization: <session token>` (no `Bearer`,
 * like Palette) and answer 401 `{ code, message }` otherwise. Tokens never
 * appear in responses other than the new token.
 */
export function createPaletteApiRouter(ctx: MockPaletteContext): Router {
  const router = Router();

  router.get(
    '/v1/auth/refresh/:token',
    asyncHandler(async (req, res) => {
      ctx.calls.refresh += 1;
      const fault = ctx.settings.refreshFault;
      if (fault !== 'reject' && answerWithFault(res, fault)) {
        return;
      }
      const claims =
        fault === 'reject'
          ? undefined
          : await ctx.sessionTokens.verify(req.params.token);
      const user = claims && ctx.users.find(u => u.uid === claims.uid);
      if (!user) {
        sendPaletteError(
          res,
          401,
          'InvalidToken',
          'The session token is invalid or expired.',
        );
        return;
      }
      res.set('Cache-Control', 'no-store');
      res.json({
        Authorization: await ctx.sessionTokens.issue(
          user,
          ctx.settings.sessionTokenLifetimeSeconds,
        ),
      });
    }),
  );

  router.get(
    '/v1/users/me',
    asyncHandler(async (req, res) => {
      ctx.calls.usersMe += 1;
      const user = await authenticate(ctx, req, res);
      if (!user) return;
      res.json({
        metadata: { uid: user.uid, name: fullName(user) },
        spec: {
          emailId: user.email,
          firstName: user.givenName,
          lastName: user.familyName,
        },
      });
    }),
  );

  router.get(
    '/v1/projects',
    asyncHandler(async (req, res) => {
      ctx.calls.projects += 1;
      const user = await authenticate(ctx, req, res);
      if (!user) return;
      res.json({
        items: user.projects.map(project => ({
          metadata: { uid: project.uid, name: project.name },
          status: { isDisabled: false },
        })),
      });
    }),
  );

  return router;
}
