import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { configureRedactedRequestLog } from './configureRedactedRequestLog';

describe('configureRedactedRequestLog', () => {
  it("replaces backend-defaults' request log before applyDefaults() installs it", async () => {
    const logger = mockServices.logger.mock();
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger,
    });
    const app = express();
    // backend-defaults' applyDefaults() installs `middleware.logging()` of this very instance.
    const applyDefaults = jest.fn(() => {
      app.use(middleware.logging());
      app.get('/api/probe/echo', (_req, res) => {
        res.json({ ok: true });
      });
    });

    configureRedactedRequestLog({ logger, middleware, applyDefaults });
    expect(applyDefaults).toHaveBeenCalledTimes(1);

    const response = await request(app)
      .get('/api/probe/echo?code=live-session-token&email=alice%40example.com')
      .set('Referer', 'http://localhost:3000/?state=st4te');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });

    await new Promise(resolve => setImmediate(resolve));
    expect(logger.info).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(logger.info.mock.calls);
    expect(logged).toContain(
      '/api/probe/echo?code=<redacted>&email=<redacted>',
    );
    expect(logged).not.toContain('live-session-token');
    expect(logged).not.toContain('alice');
    expect(logged).not.toContain('st4te');
  });
});
