import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from '../chromium';

/**
 * Playwright for `yarn verify:install` (scripts/verify-install.mjs): one sign-in in a fresh
 * create-app portal that the script has already started (app on :3000, backend on :7007, mock
 * Palette on :7011, all inside a private network namespace). No web servers of its own.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  retries: 0,
  // The first page load waits for the portal's dev server to compile the app.
  timeout: 600_000,
  expect: { timeout: 30_000 },
  outputDir: process.env.VERIFY_INSTALL_RESULTS ?? 'test-results',
  reporter: [['list']],
  use: {
    baseURL: 'http://localhost:3000',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    navigationTimeout: 300_000,
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
});
