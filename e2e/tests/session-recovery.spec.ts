import { expect, Page, test } from '@playwright/test';
import { fixtureUser, fullName } from './support/demoUsers';
import { signInAsCatalogUser } from './support/signIn';

const alice = fixtureUser('alice@example.com');
// The backend finds a Palette session by user, so sessions of a user on other devices (other
// tests' browsers) keep it working: the strict test uses bob, whom no other test signs in.
const bob = fixtureUser('bob@example.com');
const BACKEND = 'http://localhost:7007';

test.describe.configure({ mode: 'serial' });

/** In-app navigation (no reload): the SPA keeps its session, the page's cards mount again. */
async function navigateInApp(page: Page, path: string) {
  await page.evaluate(to => {
    window.history.pushState({}, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}

/**
 * Ends this browser's session on the backend and removes its refresh cookie (the request shares
 * the page's cookies), while the app in the page still thinks it is signed in: what a backend
 * restart without a shared session store does to it.
 */
async function endSessionOnBackend(page: Page) {
  const ended = await page.request.post(
    `${BACKEND}/api/auth/spectrocloud/logout?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(ended.status()).toBe(200);
}

/** Clicks `button`, which opens the mock Palette login popup, and approves as `userName` there. */
async function approveInPopup(
  page: Page,
  button: ReturnType<Page['getByRole']>,
  userName: string,
) {
  const popupOpened = page.waitForEvent('popup');
  await button.click();
  const popup = await popupOpened;
  await popup
    .getByRole('button', { name: new RegExp(`^\\s*${userName}`) })
    .click();
  await popup.waitForEvent('close', { timeout: 30_000 });
}

test('after the backend lost the Palette session, the page asks once and signing in again restores the projects', async ({
  page,
}) => {
  await signInAsCatalogUser(page, fullName(bob));
  const projects = page.getByRole('table', { name: 'Palette projects' });
  await expect(projects).toContainText(bob.projects[0].name);

  await endSessionOnBackend(page);
  await navigateInApp(page, '/catalog');
  await navigateInApp(page, '/spectrocloud');

  // The silent refresh cannot bring it back: one standard sign-in request for both cards.
  const loginRequired = page
    .getByRole('dialog')
    .filter({ hasText: 'Login Required' });
  await expect(loginRequired).toBeVisible();
  await expect(
    loginRequired.getByRole('button', { name: 'Log in' }),
  ).toHaveCount(1);
  // The user declines it: one plain message with a "Sign in again" button, no error details.
  await loginRequired.getByRole('button', { name: 'Reject All' }).click();
  const signInAgain = page.getByRole('button', { name: 'Sign in again' });
  await expect(signInAgain).toHaveCount(1);
  await expect(
    page.getByText(/Your SpectroCloud Palette session has ended/),
  ).toBeVisible();
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(
    /Full Error as JSON|stack|\/work\/|node_modules|No Palette session is cached/i,
  );

  await approveInPopup(page, signInAgain, fullName(bob));
  await expect(projects).toContainText(bob.projects[0].name);
  await expect(signInAgain).toHaveCount(0);
  await expect(page.getByTestId('palette-session')).toContainText(
    'The Palette session token expires at',
  );
  await endSessionOnBackend(page);
});

test('the same loss, answered from the sign-in request itself, heals the page without a reload', async ({
  page,
}) => {
  await signInAsCatalogUser(page, fullName(alice));
  const projects = page.getByRole('table', { name: 'Palette projects' });
  await expect(projects).toContainText(alice.projects[0].name);
  await endSessionOnBackend(page);

  await navigateInApp(page, '/catalog');
  await navigateInApp(page, '/spectrocloud');
  const logIn = page
    .getByRole('dialog')
    .filter({ hasText: 'Login Required' })
    .getByRole('button', { name: 'Log in' });
  // Either the page healed silently or it asks once.
  await expect(projects.or(logIn)).toBeVisible();
  if (await logIn.isVisible()) {
    await approveInPopup(page, logIn, fullName(alice));
  }
  await expect(projects).toContainText(alice.projects[0].name);
  await expect(page.getByRole('button', { name: 'Sign in again' })).toHaveCount(
    0,
  );
  await endSessionOnBackend(page);
});

test('Cancel on the Palette login page says "Sign-in was cancelled"', async ({
  page,
}) => {
  await page.goto('/');
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const popup = await popupOpened;
  await popup.getByRole('button', { name: 'Cancel' }).click();
  await popup.waitForEvent('close', { timeout: 30_000 });

  await expect(page.getByText('Sign-in was cancelled')).toBeVisible();
  await expect(page.getByText(/access_denied/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
});
