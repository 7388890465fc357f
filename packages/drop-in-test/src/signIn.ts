import type { MockPalette } from '@internal/mock-palette';

/** A signed-in browser, as far as these tests need one. */
export interface SignedInUser {
  /** The Backstage user token (`Authorization: Bearer ...` of plugin calls). */
  backstageToken: string;
  /** The Palette session token the sign-in cached for the user. */
  paletteSessionToken: string;
  /** The `Cookie` header with the cookies the sign-in set (the refresh cookie). */
  cookies: string;
}

function cookiePairs(setCookies: string[]): string[] {
  return setCookies
    .map(c => c.split(';')[0])
    .filter(pair => pair.slice(pair.indexOf('=') + 1) !== '');
}

/**
 * The browser's part of a SpectroCloud sign-in at the backend `base`:
 * `GET /api/auth/spectrocloud/start`, the mock Palette's approval as `email`, then the callback
 * `GET /api/auth/spectrocloud/handler/frame` with the nonce cookie.
 * @throws Error when a step fails or the frame carries an error
 */
export async function signIn(
  base: string,
  palette: MockPalette,
  email: string,
): Promise<SignedInUser> {
  const start = await fetch(
    `${base}/api/auth/spectrocloud/start?env=development`,
    { redirect: 'manual', signal: AbortSignal.timeout(15_000) },
  );
  if (start.status !== 302) {
    throw new Error(`/start answered ${start.status} ${await start.text()}`);
  }
  const q = new URL(start.headers.get('location')!).searchParams;
  const code = await palette.authorize({
    email,
    redirectUri: q.get('redirect_uri')!,
    state: q.get('state')!,
    nonce: q.get('nonce') ?? undefined,
    codeChallenge: q.get('code_challenge') ?? undefined,
    codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
  });
  const frame = await fetch(
    `${base}/api/auth/spectrocloud/handler/frame?${new URLSearchParams({
      code,
      state: q.get('state')!,
    })}`,
    {
      headers: { Cookie: cookiePairs(start.headers.getSetCookie()).join('; ') },
      signal: AbortSignal.timeout(30_000),
    },
  );
  const match = /decodeURIComponent\('([^']*)'\)/.exec(await frame.text());
  const payload = match && JSON.parse(decodeURIComponent(match[1]));
  if (!payload?.response) {
    throw new Error(
      `sign-in failed: ${payload?.error?.name ?? `frame ${frame.status}`}`,
    );
  }
  return {
    backstageToken: payload.response.backstageIdentity.token,
    paletteSessionToken: payload.response.providerInfo.accessToken,
    cookies: cookiePairs(frame.headers.getSetCookie()).join('; '),
  };
}

/** `POST /api/auth/spectrocloud/logout` the way the frontend calls it. */
export async function logOut(base: string, user: SignedInUser): Promise<void> {
  const res = await fetch(
    `${base}/api/auth/spectrocloud/logout?env=development`,
    {
      method: 'POST',
      headers: { Cookie: user.cookies, 'X-Requested-With': 'XMLHttpRequest' },
      signal: AbortSignal.timeout(15_000),
    },
  );
  if (res.status !== 200) {
    throw new Error(`/logout answered ${res.status}`);
  }
}
