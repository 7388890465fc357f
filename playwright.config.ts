import { defineConfig, devices, LaunchOptions } from '@playwright/test';
import { existsSync } from 'node:fs';
import { BACKEND_LOG } from './e2e/tests/support/backendLog';

/**
 * End-to-end tests of the example portal: mock Palette (:7011), mock Kubernetes API (:7012),
 * backend (:7007) and app (:3000) are started by the `webServer` entries below (or reused when
 * already running, except on CI).
 *
 * Browser: `PLAYWRIGHT_CHROMIUM_EXECUTABLE` if set, else `/usr/bin/chromium` (Debian's package)
 * if present, else Playwright's own Chromium (`npx playwright install chromium`).
 */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

function chromiumLaunchOptions(): LaunchOptions {
  const executablePath =
    process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ||
    (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  if (!executablePath) {
    return {};
  }
  const args = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
  if (process.getuid?.() === 0) {
    // Chromium refuses to start its sandbox as root (containers, CI machines).
    args.push('--no-sandbox');
  }
  return { executablePath, args };
}

const reuseExistingServer = !process.env.CI;

export default defineConfig({
  testDir: 'e2e/tests',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  use: {
    baseURL: 'http://localhost:3000',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: chromiumLaunchOptions(),
      },
    },
  ],
  // Started one after the other, each waited for before the next.
  webServer: [
    {
      command: 'yarn workspace @internal/mock-palette start',
      url: 'http://localhost:7011/v1/oidc/tenant/demo-tenant/.well-known/openid-configuration',
      timeout: 120_000,
      reuseExistingServer,
    },
    {
      // The mock Kubernetes API of the Kubernetes tab; it trusts the mock Palette's ID tokens.
      command: 'yarn workspace @internal/mock-palette start:kubernetes',
      url: 'http://localhost:7012/healthz',
      timeout: 120_000,
      reuseExistingServer,
    },
    {
      command: `mkdir -p e2e/.logs && exec yarn workspace backend start > ${BACKEND_LOG} 2>&1`,
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      timeout: 300_000,
      reuseExistingServer,
    },
    {
      command: 'yarn workspace app start',
      url: 'http://localhost:3000',
      timeout: 300_000,
      reuseExistingServer,
      env: { BROWSER: 'none' },
    },
  ],
});
