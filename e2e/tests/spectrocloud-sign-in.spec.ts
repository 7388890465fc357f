import { expect, test } from '@playwright/test';
import { SeenAuthSecrets, watchAuthSecrets } from './support/authSecrets';
import { readBackendLogWrittenSince } from './support/backendLog';
import { fixtureUser, fullName } from './support/demoUsers';
import { signInAsCatalogUser, signInThroughPopup } from './support/signIn';

const alice = fixtureUser('alice@example.com');
const mallory = fixtureUser('mallory@example.com');
const ISSUER = 'http://localhost:7011/v1/oidc/tenant/demo-tenant';

// One backend for all tests: run in order, the log check last.
test.describe.configure({ mode: 'serial' });

const runStartedAt = Date.now();
const seen: SeenAuthSecrets[] = [];

test.beforeEach(async ({ context }) => {
  seen.push(watchAuthSecrets(context));
});

test('Alice signs in with SpectroCloud and sees her identity, token claims and Palette projects', async ({
  page,
}) => {
  await signInAsCatalogUser(page, fullName(alice));

  // `/` lands on the SpectroCloud page.
  await expect(page).toHaveURL(/\/spectrocloud$/);
  const identity = page.getByRole('table', { name: 'Backstage identity' });
  await expect(
    identity.getByRole('row', { name: /User entity/ }),
  ).toContainText('user:default/alice');
  await expect(identity.getByRole('row', { name: /Ownership/ })).toContainText(
    'group:default/demo-users',
  );
  await expect(identity.getByRole('row', { name: /Email/ })).toContainText(
    alice.email,
  );

  const claims = page.getByRole('table', { name: 'ID token claims' });
  await expect(claims.getByRole('row', { name: /^iss/ })).toContainText(ISSUER);
  await expect(claims.getByRole('row', { name: /^sub/ })).toContainText(
    alice.uid,
  );
  await expect(claims.getByRole('row', { name: /^aud/ })).toContainText(
    'backstage-demo',
  );
  await expect(claims.getByRole('row', { name: /^email/ })).toContainText(
    alice.email,
  );

  const projects = page.getByRole('table', { name: 'Palette projects' });
  for (const project of alice.projects) {
    await expect(
      projects.getByRole('row', { name: new RegExp(project.name) }),
    ).toContainText(project.uid);
  }
  await expect(page.getByTestId('palette-session')).toContainText(
    'The Palette session token expires at',
  );

  // The session survives a reload (refresh cookie); this also shows us the refresh response.
  await page.reload();
  await expect(
    page.getByRole('table', { name: 'Palette projects' }),
  ).toContainText(alice.projects[0].name);
});

test('Mallory, who is not in the catalog, gets a clear error and stays signed out', async ({
  page,
}) => {
  await page.goto('/');
  await signInThroughPopup(page, fullName(mallory));

  await expect(
    page.getByText(/unable to resolve user identity/i),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);

  await page.goto('/spectrocloud');
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await expect(page.getByText(mallory.projects[0].name)).toHaveCount(0);
});

test('Signing out returns to the sign-in page and ends the session', async ({
  page,
}) => {
  await signInAsCatalogUser(page, fullName(alice));
  await page.getByRole('button', { name: 'Sign out' }).click();

  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
});

test('the backend log holds none of the tokens the browser saw, nor the full email', async () => {
  await Promise.all(seen.map(s => s.settled()));
  const collect = (pick: (s: SeenAuthSecrets) => Set<string>) =>
    seen.flatMap(s => [...pick(s)]);
  const sessionTokens = collect(s => s.sessionTokens);
  const idTokens = collect(s => s.idTokens);
  const backstageTokens = collect(s => s.backstageTokens);
  const codes = collect(s => s.authorizationCodes);
  expect(sessionTokens.length).toBeGreaterThan(0);
  expect(idTokens.length).toBeGreaterThan(0);
  expect(codes.length).toBeGreaterThan(0);

  const log = readBackendLogWrittenSince(runStartedAt);
  test.skip(
    log === undefined,
    'The backend was an already running server (reuseExistingServer); its log is not ours',
  );
  // The log is real: it recorded the sign-in requests.
  expect(log).toContain('/api/auth/spectrocloud/');

  for (const secret of [
    ...sessionTokens,
    ...idTokens,
    ...backstageTokens,
    ...codes,
  ]) {
    expect(log!.includes(secret), 'a token or code is in the backend log').toBe(
      false,
    );
  }
  for (const email of [alice.email, mallory.email]) {
    expect(log).not.toContain(email);
    expect(log).not.toContain(encodeURIComponent(email));
  }
});
