import { createHash, timingSafeEqual } from 'node:crypto';

/** Result of {@link authenticateClient}. */
export type ClientAuthenticationResult =
  | { ok: true; clientId: string }
  | {
      ok: false;
      error: 'invalid_client' | 'invalid_request';
      description: string;
    };

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Authenticates the client at the token endpoint, RFC 6749 section 2.3.1:
 * `client_secret_basic` (HTTP Basic with form-urlencoded id and secret) or
 * `client_secret_post` (`client_id` + `client_secret` in the body). Using
 * both methods at once is an `invalid_request`; a missing, unknown or wrong
 * credential is `invalid_client`. Descriptions never contain the secret.
 */
export function authenticateClient(
  authorization: string | undefined,
  body: Record<string, unknown>,
  expected: { clientId: string; clientSecret: string },
): ClientAuthenticationResult {
  const bodyId =
    typeof body.client_id === 'string' ? body.client_id : undefined;
  const bodySecret =
    typeof body.client_secret === 'string' ? body.client_secret : undefined;

  let clientId: string | undefined;
  let clientSecret: string | undefined;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    if (bodySecret !== undefined) {
      return {
        ok: false,
        error: 'invalid_request',
        description: 'Use one client authentication method, not two.',
      };
    }
    const decoded = Buffer.from(
      authorization.slice(6).trim(),
      'base64',
    ).toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      return {
        ok: false,
        error: 'invalid_client',
        description: 'Malformed HTTP Basic client credentials.',
      };
    }
    clientId = formDecode(decoded.slice(0, colon));
    clientSecret = formDecode(decoded.slice(colon + 1));
    if (bodyId !== undefined && bodyId !== clientId) {
      return {
        ok: false,
        error: 'invalid_request',
        description: 'client_id in the body does not match HTTP Basic.',
      };
    }
  } else {
    clientId = bodyId;
    clientSecret = bodySecret;
  }

  if (clientId === undefined || clientSecret === undefined) {
    return {
      ok: false,
      error: 'invalid_client',
      description: 'Client authentication is required.',
    };
  }
  if (
    clientId !== expected.clientId ||
    !sameSecret(clientSecret, expected.clientSecret)
  ) {
    return {
      ok: false,
      error: 'invalid_client',
      description: 'Client authentication failed.',
    };
  }
  return { ok: true, clientId };
}
