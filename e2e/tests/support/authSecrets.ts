import { BrowserContext } from '@playwright/test';

/** Secrets of the SpectroCloud sign-in that the browser saw. */
export interface SeenAuthSecrets {
  /** Palette session tokens (`providerInfo.accessToken` of the refresh response). */
  sessionTokens: Set<string>;
  /** Palette ID tokens (`providerInfo.idToken`). */
  idTokens: Set<string>;
  /** Backstage tokens (`backstageIdentity.token`). */
  backstageTokens: Set<string>;
  /** Authorization codes Palette sent to the backend's `/handler/frame`. */
  authorizationCodes: Set<string>;
  /** Waits until every response seen so far has been read. */
  settled(): Promise<void>;
}

const AUTH_BASE = 'http://localhost:7007/api/auth/spectrocloud';

/**
 * Records, for every page of `context` (the app and the sign-in popup), the authorization codes
 * sent to `<auth>/spectrocloud/handler/frame` and the tokens returned by
 * `<auth>/spectrocloud/refresh`.
 */
export function watchAuthSecrets(context: BrowserContext): SeenAuthSecrets {
  const pending: Promise<unknown>[] = [];
  const secrets: SeenAuthSecrets = {
    sessionTokens: new Set(),
    idTokens: new Set(),
    backstageTokens: new Set(),
    authorizationCodes: new Set(),
    settled: async () => {
      await Promise.all(pending);
    },
  };

  context.on('request', request => {
    const url = new URL(request.url());
    if (url.href.startsWith(`${AUTH_BASE}/handler/frame`)) {
      const code = url.searchParams.get('code');
      if (code) secrets.authorizationCodes.add(code);
    }
  });

  context.on('response', response => {
    if (!response.url().startsWith(`${AUTH_BASE}/refresh`) || !response.ok()) {
      return;
    }
    pending.push(
      response
        .json()
        .then(body => {
          const { providerInfo, backstageIdentity } = body ?? {};
          if (providerInfo?.accessToken) {
            secrets.sessionTokens.add(providerInfo.accessToken);
          }
          if (providerInfo?.idToken) secrets.idTokens.add(providerInfo.idToken);
          if (backstageIdentity?.token) {
            secrets.backstageTokens.add(backstageIdentity.token);
          }
        })
        .catch(() => undefined),
    );
  });

  return secrets;
}
