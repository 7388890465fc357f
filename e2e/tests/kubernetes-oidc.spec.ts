import { expect, Page, test } from '@playwright/test';
import { resolve } from 'node:path';
import { SeenAuthSecrets, watchAuthSecrets } from './support/authSecrets';
import { readBackendLogWrittenSince } from './support/backendLog';
import { fixtureUser, fullName } from './support/demoUsers';
import { signInAsCatalogUser } from './support/signIn';

const alice = fixtureUser('alice@example.com');
/** Served by the mock Kubernetes API (packages/mock-palette/src/kubernetes/resources.ts). */
const POD_NAME = 'demo-service-6d4cf56db6-abcde';
const KUBERNETES_TAB = '/catalog/default/component/demo-service/kubernetes';
const SERVICES_REQUEST =
  'http://localhost:7007/api/kubernetes/services/demo-service';
/**
 * Alice's browser state (Backstage's refresh cookie) after signing in, so that the later tests
 * start signed in, like a new tab of the same browser. In Playwright's output folder, which is
 * emptied at the start of every run.
 */
const ALICE_STATE = resolve(
  __dirname,
  '../../test-results/.auth/kubernetes-alice.json',
);

// One sign-in shared by the tests (through ALICE_STATE): run in order, each with few page loads.
test.describe.configure({ mode: 'serial' });

const runStartedAt = Date.now();
const seen: SeenAuthSecrets[] = [];
/** The ID token the Kubernetes frontend sent, for the log check. */
let sentIdToken: string | undefined;

test.beforeEach(async ({ context }) => {
  seen.push(watchAuthSecrets(context));
});

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

test('Alice signs in and stays signed in across a reload', async ({
  page,
  context,
}) => {
  await signInAsCatalogUser(page, fullName(alice));

  // A reload keeps the session (Backstage's refresh cookie).
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign In' })).toHaveCount(0);
  await context.storageState({ path: ALICE_STATE });
});

test.describe('signed in as Alice', () => {
  test.use({ storageState: ALICE_STATE });

  test('a fresh page load of the Kubernetes tab shows the demo-service pod, fetched with her ID token', async ({
    page,
    context,
  }, testInfo) => {
    const servicesRequest = page.waitForRequest(
      r => r.url() === SERVICES_REQUEST && r.method() === 'POST',
    );
    await page.goto(KUBERNETES_TAB);
    // No sign-in prompt: the refresh cookie signs her in.
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
    const thisPage = seen[seen.length - 1];
    await thisPage.settled();
    expect([...thisPage.idTokens]).toContain(sent);
    expect([...thisPage.sessionTokens]).not.toContain(sent);
    sentIdToken = sent;

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
    // The refresh may have renewed the session: the next test starts from this state.
    await context.storageState({ path: ALICE_STATE });
  });

  test('after signing out, the Kubernetes tab asks to sign in and shows no pod', async ({
    page,
  }) => {
    await page.goto('/spectrocloud');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();

    await page.goto(KUBERNETES_TAB);
    await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
    await expect(page.getByText(POD_NAME)).toHaveCount(0);
  });
});

test('the ID token sent to Kubernetes never reached the backend log', async () => {
  expect(sentIdToken).toBeDefined();
  const log = readBackendLogWrittenSince(runStartedAt);
  test.skip(
    log === undefined,
    'The backend was an already running server (reuseExistingServer); its log is not ours',
  );
  // The log is real: it recorded the Kubernetes requests.
  expect(log).toContain('/api/kubernetes/services/demo-service');
  expect(
    log!.includes(sentIdToken!),
    'the ID token is in the backend log',
  ).toBe(false);
});
