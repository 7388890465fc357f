import { createHmac, hkdfSync } from 'node:crypto';

/** HKDF `info` labels; each key has exactly one purpose. */
const LABELS = {
  nonce: 'spectrocloud oidc nonce',
  verifier: 'spectrocloud pkce verifier',
  seal: 'spectrocloud refresh token seal',
} as const;

/**
 * Keys derived from the OAuth client secret. They live only in memory; every backend instance with
 * the same configuration derives the same keys, so a flow may start and end on different instances.
 */
export interface FlowKeys {
  /** HMAC-SHA256 key for the OIDC `nonce`. */
  readonly nonceKey: Buffer;
  /** HMAC-SHA256 key for the PKCE code verifier. */
  readonly verifierKey: Buffer;
  /** 256-bit AES-GCM key sealing the refresh token blob. */
  readonly sealKey: Uint8Array;
}

function hkdf(secret: string, salt: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, label, 32));
}

/**
 * Derives the {@link FlowKeys} with HKDF-SHA256 (RFC 5869): input keying material = client
 * secret, salt = client id, info = a purpose label.
 */
export function deriveFlowKeys(
  clientSecret: string,
  clientId: string,
): FlowKeys {
  return {
    nonceKey: hkdf(clientSecret, clientId, LABELS.nonce),
    verifierKey: hkdf(clientSecret, clientId, LABELS.verifier),
    sealKey: new Uint8Array(hkdf(clientSecret, clientId, LABELS.seal)),
  };
}

function mac(key: Buffer, stateNonce: string): string {
  if (!stateNonce) {
    throw new TypeError('The OAuth state has no nonce');
  }
  return createHmac('sha256', key)
    .update(stateNonce, 'utf8')
    .digest('base64url');
}

/**
 * The OIDC `nonce` of a flow: base64url(HMAC-SHA256(nonceKey, stateNonce)), 43 characters.
 * Deterministic per state nonce, unguessable without the client secret.
 *
 * @param stateNonce - the random `nonce` inside Backstage's OAuth `state`
 */
export function deriveOidcNonce(keys: FlowKeys, stateNonce: string): string {
  return mac(keys.nonceKey, stateNonce);
}

/**
 * The PKCE code verifier of a flow: base64url of the 32-byte HMAC-SHA256(verifierKey, stateNonce),
 * i.e. 43 characters from the unreserved set, as RFC 7636 §4.1 requires.
 *
 * @param stateNonce - the random `nonce` inside Backstage's OAuth `state`
 */
export function derivePkceVerifier(keys: FlowKeys, stateNonce: string): string {
  return mac(keys.verifierKey, stateNonce);
}
