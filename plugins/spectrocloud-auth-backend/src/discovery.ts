import { fetchJsonBounded } from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';
import type { AuthorizationServer } from 'oauth4webapi';

/** An OpenID Connect discovery document (OpenID Connect Discovery 1.0 §3), as oauth4webapi types it. */
export type DiscoveryDocument = AuthorizationServer;

/**
 * Fetches an OpenID Connect discovery document with `fetchJsonBounded`: aborted after `timeoutMs`
 * (headers and body), the body capped at `maxBytes` while it streams.
 *
 * @param url - the discovery document URL (configuration, not secret)
 * @param timeoutMs - timeout in MILLISECONDS
 * @param maxBytes - largest accepted body, in BYTES
 * @throws Error with a message naming the URL and the failure (status, timeout, invalid JSON, a
 *   network error code or a missing `issuer`); it never contains response bodies.
 */
export async function fetchDiscoveryDocument(
  url: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<DiscoveryDocument> {
  let body: unknown;
  try {
    body = await fetchJsonBounded(url, { timeoutMs, maxBytes });
  } catch (error) {
    throw new Error(
      `OIDC discovery at ${url} failed: ${(error as Error).message}`,
    );
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    typeof (body as DiscoveryDocument).issuer !== 'string'
  ) {
    throw new Error(
      `OIDC discovery at ${url} failed: the document has no issuer`,
    );
  }
  return body as DiscoveryDocument;
}
