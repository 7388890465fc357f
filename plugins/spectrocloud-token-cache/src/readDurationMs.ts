import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/**
 * The one duration reader of this repository: reads `key` of `config` as a duration the Backstage
 * way (`readDurationFromConfig`): a string such as `'10s'`, `'500ms'`, `'5m'` or `'PT10S'`, or an
 * object such as `{ seconds: 10 }`, and returns it in MILLISECONDS; `defaultMs` when the key is
 * absent. A bare number is REFUSED: `timeout: 5000` (ms?) and `sessionRenewalWindow: 300`
 * (seconds?) would otherwise mean different units in the same file.
 *
 * @param label - how the key is named in error messages (e.g. `spectrocloud.demo.timeout`)
 * @throws Error saying which unit to write, for a bare number, a malformed or a negative duration
 *   (or zero unless `allowZero`)
 * @public
 */
export function readDurationMs(
  config: Config,
  key: string,
  options: { defaultMs: number; label?: string; allowZero?: boolean },
): number;
/**
 * {@inheritDoc (readDurationMs:1)}
 * @returns the duration in MILLISECONDS, or `undefined` when the key is absent (no `defaultMs`)
 */
export function readDurationMs(
  config: Config,
  key: string,
  options?: { defaultMs?: undefined; label?: string; allowZero?: boolean },
): number | undefined;
export function readDurationMs(
  config: Config,
  key: string,
  options: { defaultMs?: number; label?: string; allowZero?: boolean } = {},
): number | undefined {
  const label = options.label ?? key;
  if (!config.has(key)) {
    return options.defaultMs;
  }
  const example = `e.g. '10s', '500ms', '5m' or { seconds: 10 }`;
  if (typeof config.get(key) === 'number') {
    throw new Error(
      `'${label}' must be a duration with its unit, ${example}: a bare number is refused because its unit would be ambiguous`,
    );
  }
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch {
    throw new Error(`'${label}' must be a duration, ${example}`);
  }
  if (!Number.isFinite(ms) || ms < 0 || (ms === 0 && !options.allowZero)) {
    throw new Error(
      `'${label}' must be a ${
        options.allowZero ? 'non-negative' : 'positive'
      } duration, ${example}`,
    );
  }
  return ms;
}
