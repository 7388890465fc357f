import { Config } from '@backstage/config';
import { readDurationMs } from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';
import { SpectroCloudConfigurationError } from './configurationError';

/**
 * Reads a duration key with the repository's one duration reader (`readDurationMs`: a string such
 * as `'5s'` or an object such as `{ seconds: 5 }`; a bare number is refused, naming the unit to
 * write), in MILLISECONDS.
 *
 * @throws SpectroCloudConfigurationError naming the key (never its value)
 */
export function readDurationSetting(
  config: Config,
  key: string,
  defaultMs?: number,
  allowZero = false,
): number | undefined {
  try {
    return readDurationMs(config, key, { defaultMs, allowZero } as {
      defaultMs?: undefined;
      allowZero: boolean;
    });
  } catch (error) {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: ${(error as Error).message}`,
    );
  }
}
