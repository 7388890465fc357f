import { expect, Page } from '@playwright/test';

/**
 * On the app's sign-in page, clicks "Sign In", and in the popup (the mock Palette login page)
 * clicks the button of the user named `userName` (e.g. "Alice Anderson"). Resolves once the popup
 * has closed.
 */
export async function signInThroughPopup(page: Page, userName: string) {
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const popup = await popupOpened;
  await popup
    .getByRole('button', { name: new RegExp(`^\\s*${userName}`) })
    .click();
  await popup.waitForEvent('close', { timeout: 30_000 });
}

/**
 * Signs in as a user who is in the catalog. The catalog fills itself from the demo fixture shortly
 * after the backend starts; until then the sign-in resolver cannot find the user, so this signs in
 * again (for up to `deadlineMs`) while the sign-in page reports that failure.
 */
export async function signInAsCatalogUser(
  page: Page,
  userName: string,
  deadlineMs = 60_000,
) {
  await page.goto('/');
  const signedIn = page.getByRole('button', { name: 'Sign out' });
  const failed = page.getByText(/unable to resolve user identity/i);
  await expect(async () => {
    await signInThroughPopup(page, userName);
    await expect(signedIn.or(failed)).toBeVisible();
    if (await failed.isVisible()) {
      throw new Error(
        `${userName} could not sign in: ${await failed.textContent()}`,
      );
    }
  }).toPass({ timeout: deadlineMs, intervals: [1_000, 2_000] });
}
