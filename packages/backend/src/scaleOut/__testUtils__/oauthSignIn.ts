import { MockPalette } from '@internal/mock-palette';

/** What the auth backend's frame handler posted back to the app. */
export interface SignInResult {
  /** The Backstage token, when sign-in succeeded. */
  backstageToken?: string;
  /** The Palette session token Backstage got (`providerInfo.accessToken`). */
  paletteSessionToken?: string;
  userEntityRef?: string;
  error?: string;
}

function cookiePair(setCookies: string[], name: string): string | undefined {
  return setCookies
    .filter(c => c.startsWith(`${name}=`))
    .pop()
    ?.split(';')[0];
}

/**
 * The browser's part of a SpectroCloud sign-in, over HTTP: `GET <startBase>/api/auth/spectrocloud/start`,
 * the mock Palette's approval (`palette.authorize`, as if `email` clicked), then
 * `GET <frameBase>/api/auth/spectrocloud/handler/frame?code&state` with the nonce cookie.
 * `startBase` and `frameBase` may be different backend instances.
 */
export async function signInOverHttp(options: {
  palette: MockPalette;
  email: string;
  startBase: string;
  frameBase: string;
}): Promise<SignInResult> {
  const { palette, email, startBase, frameBase } = options;
  const start = await fetch(
    `${startBase}/api/auth/spectrocloud/start?env=development`,
    { redirect: 'manual', signal: AbortSignal.timeout(15_000) },
  );
  if (start.status !== 302) {
    throw new Error(`/start answered ${start.status}`);
  }
  const location = new URL(start.headers.get('location')!);
  const q = location.searchParams;
  const nonce = cookiePair(start.headers.getSetCookie(), 'spectrocloud-nonce');
  if (!nonce) {
    throw new Error('/start set no nonce cookie');
  }
  const code = await palette.authorize({
    email,
    redirectUri: q.get('redirect_uri')!,
    state: q.get('state')!,
    nonce: q.get('nonce') ?? undefined,
    codeChallenge: q.get('code_challenge') ?? undefined,
    codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
  });
  const frame = await fetch(
    `${frameBase}/api/auth/spectrocloud/handler/frame?${new URLSearchParams({
      code,
      state: q.get('state')!,
    })}`,
    { headers: { Cookie: nonce }, signal: AbortSignal.timeout(30_000) },
  );
  const html = await frame.text();
  const match = /decodeURIComponent\('([^']*)'\)/.exec(html);
  if (!match) {
    throw new Error(
      `the frame handler answered ${frame.status} without a payload`,
    );
  }
  const payload = JSON.parse(decodeURIComponent(match[1]));
  if (payload.error) {
    return { error: String(payload.error.message ?? payload.error.name) };
  }
  const { backstageIdentity, providerInfo } = payload.response ?? {};
  return {
    backstageToken: backstageIdentity?.token,
    userEntityRef: backstageIdentity?.identity?.userEntityRef,
    paletteSessionToken: providerInfo?.accessToken,
  };
}
