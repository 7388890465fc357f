import { expect, test } from '@playwright/test';
import { signInThroughPopup } from '../tests/support/signIn';

/*
 * A fresh create-app portal wired as the packages' READMEs say, pointed at the mock Palette
 * (scripts/verify-install.mjs). Alice signs in through the SpectroCloud card; the backend session
 * that results is checked through the provider's refresh endpoint.
 */
test('signs in with SpectroCloud through the mock Palette, guest still offered', async ({
  page,
}) => {
  await page.goto('/');
  const spectroCloudCard = page.getByText('Sign in using SpectroCloud Palette');
  await expect(spectroCloudCard).toBeVisible({ timeout: 300_000 });
  // The READMEs keep the template's guest sign-in next to SpectroCloud.
  await expect(page.getByText('Guest', { exact: true })).toBeVisible();

  await signInThroughPopup(page, 'Alice Anderson');
  await expect(spectroCloudCard).toBeHidden();

  const session = await page.evaluate(async () => {
    const response = await fetch(
      'http://localhost:7007/api/auth/spectrocloud/refresh?optional&env=development',
      {
        credentials: 'include',
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      },
    );
    return { status: response.status, body: await response.json() };
  });
  expect(session.status).toBe(200);
  expect(session.body.backstageIdentity.identity.userEntityRef).toBe(
    'user:default/alice',
  );
  expect(session.body.profile.email).toBe('alice@example.com');
  expect(session.body.providerInfo.accessToken).not.toBe('');
  expect(session.body.providerInfo.idToken).toMatch(/^eyJ/);
});
