import { Config } from '@backstage/config';
import { readDurationMs } from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';

/** Default bound of one Palette API call made by the demo plugin, in milliseconds (10 s). */
export const DEFAULT_PALETTE_TIMEOUT_MS = 10_000;

/** Settings of the `spectrocloud-demo` backend plugin. */
export interface SpectroCloudDemoConfig {
  /** Palette API base URL (`spectrocloud.apiUrl`), without a trailing slash. */
  apiUrl: string;
  /** Bound of one Palette API call, in MILLISECONDS (`spectrocloud.demo.timeout`). */
  timeoutMs: number;
}

/**
 * Reads `spectrocloud.apiUrl` (required) and `spectrocloud.demo.timeout` (optional duration, e.g.
 * `{ seconds: 10 }` or `'10s'`; default 10 s).
 *
 * @throws Error when `spectrocloud.apiUrl` is missing, or the timeout is not a positive duration
 *   with its unit (a bare number is refused).
 */
export function readSpectroCloudDemoConfig(
  config: Config,
): SpectroCloudDemoConfig {
  const apiUrl = config.getString('spectrocloud.apiUrl').replace(/\/+$/, '');
  const timeoutMs = readDurationMs(config, 'spectrocloud.demo.timeout', {
    defaultMs: DEFAULT_PALETTE_TIMEOUT_MS,
  });
  return { apiUrl, timeoutMs };
}
