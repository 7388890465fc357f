import { IssuerMetadata } from 'openid-client';
import { fetchJson } from './fetchJson';

/**
 * Fetches an OpenID Connect discovery document with `fetch`, bounded by `timeoutMs` (headers and
 * body). Deliberately not openid-client's `Issuer.discover`, whose HTTP options are process-global.
 *
 * @param url - the discovery document URL (configuration, not secret)
 * @param timeoutMs - timeout in MILLISECONDS
 * @throws Error with a message naming the URL and the failure (status, timeout, invalid JSON, a
 *   network error code or a missing `issuer`); it never contains response bodies.
 */
export async function fetchDiscoveryDocument(
  url: string,
  timeoutMs: number,
): Promise<IssuerMetadata> {
  let body: unknown;
  try {
    body = await fetchJson(url, { timeoutMs });
  } catch (error) {
    throw new Error(
      `OIDC discovery at ${url} failed: ${(error as Error).message}`,
    );
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    typeof (body as IssuerMetadata).issuer !== 'string'
  ) {
    throw new Error(
      `OIDC discovery at ${url} failed: the document has no issuer`,
    );
  }
  return body as IssuerMetadata;
}
