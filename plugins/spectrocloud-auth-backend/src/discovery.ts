import { IssuerMetadata } from 'openid-client';

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  if (error instanceof SyntaxError) {
    return 'the response is not JSON';
  }
  if (error instanceof Error && /^HTTP \d+$/.test(error.message)) {
    return error.message;
  }
  return 'the request failed';
}

/**
 * Fetches an OpenID Connect discovery document with `fetch`, bounded by `timeoutMs` (headers and
 * body). Deliberately not openid-client's `Issuer.discover`, whose HTTP options are process-global.
 *
 * @param url - the discovery document URL (configuration, not secret)
 * @param timeoutMs - timeout in MILLISECONDS
 * @throws Error with a message naming the URL and the failure (status, timeout, invalid JSON or a
 *   missing `issuer`); it never contains response bodies.
 */
export async function fetchDiscoveryDocument(
  url: string,
  timeoutMs: number,
): Promise<IssuerMetadata> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetch(url, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      // Release the connection without waiting for (or reading) the body.
      response.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP ${response.status}`);
    }
    body = await response.json();
  } catch (error) {
    throw new Error(
      `OIDC discovery at ${url} failed: ${describeFailure(error, timeoutMs)}`,
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
