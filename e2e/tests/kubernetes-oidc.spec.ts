import { expect, Page, test } from '@playwright/test';
import { watchAuthSecrets } from './support/authSecrets';
import { readBackendLogWrittenSince } from './support/backendLog';
import { fixtureUser, fullName } from './support/demoUsers';
import { signInAsCatalogUser } from './support/signIn';

const alice = fixtureUser('alice@example.com');
/** Served by the mock Kubernetes API (packages/mock-palette/src/kubernetes/resources.ts). */
const POD_NAME = 'demo-service-6d4cf56db6-abcde';
const KUBERNETES_TAB = '/catalog/default/component/demo-service/kubernetes';
const SERVICES_REQUEST =
  'http://localhost:7007/api/kubernetes/services/demo-service';

/** Opens the cluster and the Deployment accordions of the Kubernetes tab. */
async function expandDeployment(page: Page) {
  // The tab refetches every 10 s, so a transient failure heals itself; allow for it.
  const cluster = page.getByRole('button', { name: /mock-cluster\s*Cluster/ });
  await expect(cluster).toBeVisible({ timeout: 60_000 });
  await expect(cluster).toContainText('1 pod');
  if ((await cluster.getAttribute('aria-expanded')) !== 'true') {
    await cluster.click();
  }
  const deployment = page
    .getByRole('button', { name: /demo-service\s*Deployment/ })
    .first();
  await expect(deployment).toBeVisible();
  // The Deployment's name opens a drawer; the expand icon on the right opens the pod table.
  const box = (await deployment.boundingBox())!;
  await deployment.click({
    position: { x: box.width - 24, y: box.height / 2 },
  });
  await expect(deployment).toHaveAttribute('aria-expanded', 'true');
}

test('Alice stays signed in across a reload and sees the demo-service pod in the Kubernetes tab, fetched with her ID token', async ({
  page,
  context,
}, testInfo) => {
  const runStartedAt = Date.now();
  const seen = watchAuthSecrets(context);
  await signInAsCatalogUser(page, fullName(alice));

  // A reload keeps the session (Backstage's refresh cookie).
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign In' })).toHaveCount(0);

  // A fresh page load straight into the entity's Kubernetes tab: no sign-in prompt either.
  const servicesRequest = page.waitForRequest(
    r => r.url() === SERVICES_REQUEST && r.method() === 'POST',
  );
  await page.goto(KUBERNETES_TAB);
  await expect(
    page.getByRole('heading', { name: 'demo-service', level: 2 }),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Kubernetes' })).toBeVisible();

  // The Kubernetes frontend sent the SpectroCloud ID token (oidc.spectrocloud), the very
  // RS256 ID token the auth backend's refresh handed the browser, not the Palette session token.
  const body = (await servicesRequest).postDataJSON();
  expect(body.entity.metadata.name).toBe('demo-service');
  const sent = body.auth?.oidc?.spectrocloud;
  expect(typeof sent).toBe('string');
  await seen.settled();
  expect([...seen.idTokens]).toContain(sent);
  expect([...seen.sessionTokens]).not.toContain(sent);

  await expandDeployment(page);
  const podRow = page.getByRole('row', { name: new RegExp(POD_NAME) });
  await expect(podRow).toBeVisible();
  await expect(podRow).toContainText('Running');
  // Kept in the test's output folder and attached to the HTML report.
  const screenshot = testInfo.outputPath('kubernetes-tab.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('kubernetes-tab', {
    path: screenshot,
    contentType: 'image/png',
  });

  // Sign out from the SpectroCloud page; the app is back at the sign-in page.
  await page.getByRole('link', { name: 'SpectroCloud' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await page.goto(KUBERNETES_TAB);
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await expect(page.getByText(POD_NAME)).toHaveCount(0);

  // Neither the ID token nor any other token reached the backend log on the way.
  const log = readBackendLogWrittenSince(runStartedAt);
  if (log !== undefined) {
    expect(log).toContain('/api/kubernetes/services/demo-service');
    expect(log.includes(sent), 'the ID token is in the backend log').toBe(
      false,
    );
  }
});
