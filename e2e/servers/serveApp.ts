/*
 * Serves the production build of the example app (`yarn workspace app build`, i.e.
 * `backstage-cli package build`, into packages/app/dist) the way a static web server would: the
 * content-hashed bundles under /static, and index.html (which carries the frontend config the
 * build read from app-config.yaml) for every other path, so deep links like /catalog/... work.
 * Used by the Playwright config instead of the dev server, whose first page loads take many
 * seconds on a small machine. Environment: APP_PORT (default 3000).
 */
import express from 'express';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const DIST = resolve(__dirname, '../../packages/app/dist');
const INDEX = resolve(DIST, 'index.html');
const PORT = Number(process.env.APP_PORT || 3000);

if (!existsSync(INDEX)) {
  process.stderr.write(
    `No app build in ${DIST}: run 'yarn workspace app build' first\n`,
  );
  process.exit(1);
}

const app = express();
app.use(
  '/static',
  express.static(resolve(DIST, 'static'), {
    immutable: true,
    maxAge: '1y',
    fallthrough: false,
  }),
);
app.get('*', (_req, res) => {
  res.setHeader('Cache-Control', 'no-cache');
  res.sendFile(INDEX);
});
// A missing bundle is a plain 404, without express's stack trace on stderr.
app.use(
  (
    error: { status?: number },
    _req: express.Request,
    res: express.Response,
    _next: express.NextFunction,
  ) => {
    res.sendStatus(error.status ?? 500);
  },
);

const server = app.listen(PORT, 'localhost', () => {
  process.stdout.write(
    `Serving the app build ${DIST} on http://localhost:${PORT}\n`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
