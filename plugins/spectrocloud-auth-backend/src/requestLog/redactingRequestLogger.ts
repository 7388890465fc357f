import { LoggerService } from '@backstage/backend-plugin-api';
import { RequestHandler } from 'express';
import { redactUrl } from './redactUrl';

/**
 * Express middleware that logs one line per finished request, in the format of backend-defaults'
 * `MiddlewareFactory.logging()` (`"GET /path HTTP/1.1" 200 123 "referrer" "user agent"` plus the
 * same `type: 'incomingRequest'` metadata), but with every query value of the URL and the referrer
 * replaced by `<redacted>` (see {@link redactUrl}).
 */
export function createRedactingRequestLogger(
  logger: LoggerService,
): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const url = redactUrl(req.originalUrl ?? req.url);
      const rawReferrer = req.headers.referer ?? req.headers.referrer;
      const referrer = rawReferrer
        ? redactUrl(
            Array.isArray(rawReferrer) ? rawReferrer.join(', ') : rawReferrer,
          )
        : undefined;
      const userAgent = req.headers['user-agent'];
      const contentLength = Number(res.getHeader('content-length'));
      const httpVersion = `${req.httpVersionMajor}.${req.httpVersionMinor}`;
      logger.info(
        `"${req.method} ${url} HTTP/${httpVersion}" ${res.statusCode} ${
          isFinite(contentLength) ? contentLength : 0
        } "${referrer ?? '-'}" "${userAgent ?? '-'}"`,
        {
          type: 'incomingRequest',
          method: req.method,
          url,
          status: res.statusCode,
          httpVersion,
          ...(userAgent ? { userAgent } : {}),
          ...(isFinite(contentLength) ? { contentLength } : {}),
          ...(referrer ? { referrer } : {}),
        },
      );
    });
    next();
  };
}
