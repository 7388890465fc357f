import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { createRedactingRequestLogger } from './redactingRequestLogger';

describe('createRedactingRequestLogger', () => {
  it('logs the request line without query values, also in the referrer', async () => {
    const logger = mockServices.logger.mock();
    const app = express();
    app.use(createRedactingRequestLogger(logger));
    app.get('/api/auth/spectrocloud/handler/frame', (_req, res) => {
      res.status(200).send('ok');
    });

    await request(app)
      .get('/api/auth/spectrocloud/handler/frame?code=the-code-123&state=st4te')
      .set('Referer', 'http://localhost:7011/auth?email=alice@example.com')
      .set('User-Agent', 'jest');

    await new Promise(resolve => setImmediate(resolve));
    expect(logger.info).toHaveBeenCalledTimes(1);
    const [message, meta] = logger.info.mock.calls[0];
    expect(message).toBe(
      '"GET /api/auth/spectrocloud/handler/frame?code=<redacted>&state=<redacted> HTTP/1.1" 200 2 "http://localhost:7011/auth?email=<redacted>" "jest"',
    );
    expect(meta).toMatchObject({
      type: 'incomingRequest',
      method: 'GET',
      status: 200,
      url: '/api/auth/spectrocloud/handler/frame?code=<redacted>&state=<redacted>',
    });
    const logged = JSON.stringify(logger.info.mock.calls);
    expect(logged).not.toContain('the-code-123');
    expect(logged).not.toContain('st4te');
    expect(logged).not.toContain('alice@example.com');
  });
});
