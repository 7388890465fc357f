import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/chromium';
import { BACKEND_LOG } from './e2e/tests/support/backendLog';

/**
 * End-to-end tests of the example portal: mock Palette (:7011), mock Kubernetes API (:7012),
 * backend (:7007) and the app's production build (:3000, built once by `backstage-cli package
 * build` and served as static files by e2e/servers/serveApp.ts) are started by the `webServer`
 * entries below (or reused when already running, except on CI).
 *
 * Failures keep a trace and a screenshot under `test-results/` (OUTPUT_DIR); the HTML report is
 * in `e2e-test-report/`.
 *
 * Browser: `PLAYWRIGHT_CHROMIUM_EXECUTABLE` if set, else `/usr/bin/chromium` (Debian's package)
 * if present, else Playwright's own Chromium (`npx playwright install chromium`).
 */
const reuseExistingServer = !process.env.CI;

/** Traces and screenshots of failed tests (`.ci/run` prints this path). */
const OUTPUT_DIR = 'test-results';

export default defineConfig({
  testDir: 'e2e/tests',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Generous for a busy 2-core machine; every wait in the tests is for a condition.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  outputDir: OUTPUT_DIR,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  use: {
    baseURL: 'http://localhost:3000',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    navigationTimeout: 60_000,
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
      // The production build, not the dev server: built once per run, then plain static files.
      command:
        'yarn workspace app build && exec node --require @backstage/cli/config/nodeTransform.cjs e2e/servers/serveApp.ts',
      url: 'http://localhost:3000',
      timeout: 600_000,
      reuseExistingServer,
    },
  ],
});
