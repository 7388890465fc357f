import type { LaunchOptions } from '@playwright/test';
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Browser for both Playwright configs: `PLAYWRIGHT_CHROMIUM_EXECUTABLE` if set, else
 * `/usr/bin/chromium` (Debian's package) if present, else Playwright's own Chromium
 * (`npx playwright install chromium`).
 */
export function chromiumLaunchOptions(): LaunchOptions {
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
