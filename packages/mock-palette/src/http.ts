import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Wraps an async express 4 handler so a rejected promise reaches the error
 * middleware instead of leaving the request hanging.
 */
export function asyncHandler(
  handler: (req: Request, res: Response) => Promise<void>,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

/** OAuth 2.0 error codes of the token endpoint (RFC 6749 section 5.2). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type';

/**
 * Sends an OAuth JSON error `{ error, error_description }` with no-store
 * caching: 401 (plus `WWW-Authenticate: Basic`) for `invalid_client`, 400
 * otherwise.
 */
export function sendOAuthError(
  res: Response,
  error: OAuthErrorCode,
  description: string,
): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  if (error === 'invalid_client') {
    res.set('WWW-Authenticate', 'Basic realm="SpectroCloud Palette (mock)"');
  }
  res
    .status(error === 'invalid_client' ? 401 : 400)
    .json({ error, error_description: description });
}

/** Sends a Palette-style JSON error `{ code, message }`. */
export function sendPaletteError(
  res: Response,
  status: number,
  code: string,
  message: string,
): void {
  res.status(status).json({ code, message });
}
