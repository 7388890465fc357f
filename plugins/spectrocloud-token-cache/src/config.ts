import { Config } from '@backstage/config';
import { readDurationMs } from './readDurationMs';
import { parseKeyMaterial } from './shared/keyMaterial';

/** Default Backstage cache namespace of the shared tier. */
export const DEFAULT_SHARED_NAMESPACE = 'spectrocloud-token-cache';
/** Default bound of one shared-store call, in MILLISECONDS. */
export const DEFAULT_SHARED_TIMEOUT_MS = 1_000;
/** Default pause before an unreachable shared store is tried again, in MILLISECONDS. */
export const DEFAULT_SHARED_RETRY_INTERVAL_MS = 5_000;

/** Settings of the shared tier, validated. */
export interface SharedTierSettings {
  /** AES-256-GCM keys (32 bytes each); the first encrypts, all decrypt. */
  encryptionKeys: Buffer[];
  /** HMAC-SHA256 key (32 bytes) of the cache keys. */
  keyHashSecret: Buffer;
  /** Namespace of the entries in the Backstage cache store. */
  namespace: string;
  /** Bound of one shared-store call, in MILLISECONDS. */
  timeoutMs: number;
  /** Pause before an unreachable store is tried again, in MILLISECONDS. */
  retryIntervalMs: number;
}

/** `spectrocloud.tokenCache`, validated. */
export interface TokenCacheSettings {
  maxEntries?: number;
  /** In MILLISECONDS. */
  sweepIntervalMs?: number;
  /** `spectrocloud.tokenCache.legacyGlobalMap`: publish the in-process view on `globalThis`. */
  legacyGlobalMap: boolean;
  /** Present when `spectrocloud.tokenCache.shared` is `true`. */
  shared?: SharedTierSettings;
}

const PREFIX = 'spectrocloud.tokenCache';

function readShared(config: Config): SharedTierSettings {
  if (!config.has('encryptionKeys')) {
    throw new Error(
      `${PREFIX}.encryptionKeys is required when ${PREFIX}.shared is true: ` +
        'a list of base64-encoded 32-byte keys (`openssl rand -base64 32`)',
    );
  }
  const keys = config.getStringArray('encryptionKeys');
  if (keys.length === 0) {
    throw new Error(`${PREFIX}.encryptionKeys must list at least one key`);
  }
  const encryptionKeys = keys.map((value, i) =>
    parseKeyMaterial(value, `${PREFIX}.encryptionKeys[${i}]`),
  );
  if (!config.has('keyHashSecret')) {
    throw new Error(
      `${PREFIX}.keyHashSecret is required when ${PREFIX}.shared is true: ` +
        'a base64-encoded 32-byte key (`openssl rand -base64 32`) that stays the same across ' +
        'encryption key rotations',
    );
  }
  const keyHashSecret = parseKeyMaterial(
    config.getString('keyHashSecret'),
    `${PREFIX}.keyHashSecret`,
  );
  if (encryptionKeys.some(key => key.equals(keyHashSecret))) {
    throw new Error(
      `${PREFIX}.keyHashSecret must differ from every entry of ${PREFIX}.encryptionKeys`,
    );
  }
  const namespace =
    config.getOptionalString('namespace') ?? DEFAULT_SHARED_NAMESPACE;
  if (!/^[\w.:-]{1,100}$/.test(namespace)) {
    throw new Error(
      `${PREFIX}.namespace must be 1 to 100 letters, digits or . _ : -`,
    );
  }
  return {
    encryptionKeys,
    keyHashSecret,
    namespace,
    timeoutMs: readDurationMs(config, 'sharedTimeout', {
      defaultMs: DEFAULT_SHARED_TIMEOUT_MS,
      label: `${PREFIX}.sharedTimeout`,
    }),
    retryIntervalMs: readDurationMs(config, 'sharedRetryInterval', {
      defaultMs: DEFAULT_SHARED_RETRY_INTERVAL_MS,
      label: `${PREFIX}.sharedRetryInterval`,
    }),
  };
}

/**
 * Reads and validates `spectrocloud.tokenCache` (see `config.d.ts`). Key material is decoded
 * here, so a bad key stops the backend at startup with a message that names the config key
 * (never the value).
 *
 * @throws Error on an invalid value, or when `shared` is `true` without `encryptionKeys` and
 *   `keyHashSecret`
 */
export function readTokenCacheSettings(root: Config): TokenCacheSettings {
  const config = root.getOptionalConfig(PREFIX);
  if (!config) {
    return { legacyGlobalMap: false };
  }
  const sweepSeconds = config.getOptionalNumber('sweepIntervalSeconds');
  return {
    maxEntries: config.getOptionalNumber('maxEntries'),
    legacyGlobalMap: config.getOptionalBoolean('legacyGlobalMap') ?? false,
    sweepIntervalMs:
      sweepSeconds === undefined ? undefined : sweepSeconds * 1000,
    shared: config.getOptionalBoolean('shared')
      ? readShared(config)
      : undefined,
  };
}
