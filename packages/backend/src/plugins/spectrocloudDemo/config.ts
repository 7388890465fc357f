import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

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
 * @throws Error when `spectrocloud.apiUrl` is missing, or the timeout is not a positive duration.
 */
export function readSpectroCloudDemoConfig(
  config: Config,
): SpectroCloudDemoConfig {
  const apiUrl = config.getString('spectrocloud.apiUrl').replace(/\/+$/, '');
  let timeoutMs = DEFAULT_PALETTE_TIMEOUT_MS;
  if (config.has('spectrocloud.demo.timeout')) {
    timeoutMs = durationToMilliseconds(
      readDurationFromConfig(config, { key: 'spectrocloud.demo.timeout' }),
    );
    if (!(timeoutMs > 0)) {
      throw new Error(
        'spectrocloud.demo.timeout must be a positive duration, e.g. { seconds: 10 }',
      );
    }
  }
  return { apiUrl, timeoutMs };
}
