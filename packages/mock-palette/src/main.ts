/*
 * Runs the mock Palette standalone (used by `yarn dev` and Playwright).
 * Environment: MOCK_PALETTE_PORT (default 7011),
 * MOCK_PALETTE_SESSION_TOKEN_LIFETIME (seconds, default 900),
 * MOCK_PALETTE_SESSION_TOKEN_DELIVERY (refresh_token | code | none).
 * Logs only URLs, never tokens or codes.
 */
import { startMockPalette } from './startMockPalette';
import type { SessionTokenDelivery } from './types';
import { runStandalone } from './runStandalone';

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) {
    throw new Error(`${name} must be an integer, got '${raw}'`);
  }
  return value;
}

async function main() {
  const palette = await startMockPalette({
    port: numberFromEnv('MOCK_PALETTE_PORT'),
    sessionTokenLifetimeSeconds: numberFromEnv(
      'MOCK_PALETTE_SESSION_TOKEN_LIFETIME',
    ),
    sessionTokenDelivery:
      (process.env.MOCK_PALETTE_SESSION_TOKEN_DELIVERY as
        | SessionTokenDelivery
        | undefined) || undefined,
  });
  const loginPage = new URL(palette.authorizationUrl);
  loginPage.search = new URLSearchParams({
    response_type: 'code',
    client_id: palette.clientId,
    redirect_uri: 'http://localhost:7007/api/auth/spectrocloud/handler/frame',
    scope: 'openid profile email',
    state: 'try-me',
  }).toString();
  process.stdout.write(
    `Mock SpectroCloud Palette listening on ${palette.url}\n` +
      `  issuer:     ${palette.issuer}\n` +
      `  login page (preview): ${loginPage}\n` +
      `  session token delivery: ${palette.settings.sessionTokenDelivery}, ` +
      `lifetime ${palette.settings.sessionTokenLifetimeSeconds} s\n`,
  );

  return palette;
}

runStandalone('Mock SpectroCloud Palette', main);
