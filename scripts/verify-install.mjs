#!/usr/bin/env node
/*
 * yarn verify:install [default|legacy ...]
 *
 * Proves the published packages as an adopter meets them: packs the three packages
 * (scripts/pack-packages.mjs), generates fresh portals with `npx @backstage/create-app@latest`
 * (the `default` template: new frontend system; `legacy`: `--legacy`), adds the tarballs, wires
 * backend and frontend with the code blocks of the packages' READMEs that are marked
 * `<!-- verify-install: NAME -->` (a wrong README step fails here), type-checks the portal, then,
 * inside a private network namespace (`unshare -n`, so its ports never clash with other
 * processes), starts the mock Palette of this repository and the portal (`yarn start`) and runs
 * one Playwright sign-in (e2e/verify-install) against it. Finally the portal backend's request
 * log is checked for unredacted authorization codes, states and catalog filters.
 *
 * Work folder: $VERIFY_INSTALL_DIR, default <tmp>/spectrocloud-verify-install. A portal generated
 * and installed there by an earlier run is reused (its tracked files are reset to the template
 * with git first); delete the folder for a run from scratch. Needs the npm registry, Linux
 * `unshare` (root, or a user namespace) and Chromium (see e2e/README.md). Takes 15-30 minutes
 * per template on 2 cores; not part of yarn test:all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.resolve(
  process.env.VERIFY_INSTALL_DIR ??
    path.join(os.tmpdir(), 'spectrocloud-verify-install'),
);
const templates = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['default', 'legacy'];
for (const template of templates) {
  if (
    !['default', 'legacy', '--wire'].includes(template) &&
    process.argv[2] !== '--wire'
  ) {
    console.error(
      `verify:install: unknown template '${template}' (default, legacy)`,
    );
    process.exit(2);
  }
}
const yarnRelease = path.join(
  root,
  '.yarn',
  'releases',
  fs.readdirSync(path.join(root, '.yarn', 'releases'))[0],
);
const PACKAGES = {
  tokenCache: '@terasky/backstage-plugin-spectrocloud-token-cache',
  backend: '@terasky/backstage-plugin-spectrocloud-auth-backend',
  frontend: '@terasky/backstage-plugin-spectrocloud-auth',
};

const startedAt = Date.now();
const summary = [];

function elapsed(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
function log(message) {
  console.log(
    `\n==== verify:install ${new Date()
      .toISOString()
      .slice(11, 19)} ${message}`,
  );
}
class StepError extends Error {}

/** Runs a command with inherited output; throws a StepError naming `what` on failure. */
function run(what, command, args, options = {}) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    ...options,
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0) {
    throw new StepError(
      `${what} failed (exit ${result.status ?? result.signal})`,
    );
  }
}

// A `yarn` on PATH for create-app and the portal (it defers to the Yarn release the portal
// commits); Yarn's TypeScript auto-types lookup needs a host that may be unreachable.
const binDir = path.join(work, 'bin');
fs.mkdirSync(binDir, { recursive: true });
fs.writeFileSync(
  path.join(binDir, 'yarn'),
  `#!/usr/bin/env bash\nexec "${process.execPath}" "${yarnRelease}" "$@"\n`,
  { mode: 0o755 },
);
process.env.PATH = `${binDir}${path.delimiter}${path.dirname(
  process.execPath,
)}${path.delimiter}${process.env.PATH}`;
process.env.YARN_TS_ENABLE_AUTO_TYPES = 'false';
process.env.YARN_ENABLE_TELEMETRY = '0';

/** The code block that follows `<!-- verify-install: NAME ... -->` in a README. */
function readmeBlock(readme, name) {
  const text = fs.readFileSync(path.join(root, readme), 'utf8');
  const marker = new RegExp(
    `<!-- verify-install: ${name}\\b[^>]*-->\\s*\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``,
  );
  const match = marker.exec(text);
  if (!match) {
    throw new StepError(
      `${readme} has no block marked verify-install: ${name}`,
    );
  }
  return match[1];
}

/** Splits a TypeScript snippet into its import statements and the rest (comments dropped). */
function splitSnippet(snippet) {
  const imports = [];
  const body = [];
  let current;
  for (const line of snippet.split('\n')) {
    if (current !== undefined) {
      current.push(line);
      if (/from '[^']+';\s*$/.test(line)) {
        imports.push(current.join('\n'));
        current = undefined;
      }
    } else if (/^import /.test(line)) {
      if (/from '[^']+';\s*$/.test(line)) imports.push(line);
      else current = [line];
    } else if (!/^\s*\/\//.test(line) && line.trim() !== '') {
      body.push(line);
    }
  }
  return { imports, body: body.join('\n') };
}

function addImports(source, imports) {
  const lines = source.split('\n');
  let last = -1;
  let inImport = false;
  lines.forEach((line, i) => {
    if (/^import /.test(line)) inImport = true;
    if (inImport && /from '[^']+';\s*$|^import '[^']+';\s*$/.test(line)) {
      last = i;
      inImport = false;
    }
  });
  lines.splice(last + 1, 0, ...imports);
  return lines.join('\n');
}

function edit(file, change) {
  const before = fs.readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) {
    throw new StepError(`could not apply the README block to ${file}`);
  }
  fs.writeFileSync(file, after);
}

/** Inserts `text` right after the first match of `anchor` (a RegExp) in `source`. */
function insertAfter(source, anchor, text) {
  const match = anchor.exec(source);
  if (!match) return source;
  const at = match.index + match[0].length;
  return `${source.slice(0, at)}\n${text}${source.slice(at)}`;
}

function wireBackend(portal) {
  const { imports, body } = splitSnippet(
    readmeBlock('plugins/spectrocloud-auth-backend/README.md', 'backend'),
  );
  edit(path.join(portal, 'packages/backend/src/index.ts'), source =>
    addImports(source, imports).replace(
      /\nbackend\.start\(\);/,
      `\n${body}\n\nbackend.start();`,
    ),
  );
}

function wireAppConfig(portal) {
  const block = readmeBlock(
    'plugins/spectrocloud-auth-backend/README.md',
    'app-config',
  );
  YAML.parse(block); // a README block that is not YAML fails here
  fs.writeFileSync(path.join(portal, 'app-config.local.yaml'), block);
}

function wireFrontend(portal, template) {
  const readme = 'plugins/spectrocloud-auth/README.md';
  if (template === 'default') {
    const { imports, body } = splitSnippet(readmeBlock(readme, 'app-nfs'));
    edit(path.join(portal, 'packages/app/src/App.tsx'), source =>
      insertAfter(addImports(source, imports), /features: \[/, `    ${body}`),
    );
    return;
  }
  const apis = splitSnippet(readmeBlock(readme, 'app-legacy-apis'));
  const items = apis.body
    .split('\n')
    .filter(line => !/^export const apis|^\];?$/.test(line.trim()))
    .join('\n');
  edit(path.join(portal, 'packages/app/src/apis.ts'), source =>
    insertAfter(
      addImports(source, apis.imports),
      /export const apis: AnyApiFactory\[\] = \[/,
      items,
    ),
  );
  const signIn = splitSnippet(readmeBlock(readme, 'app-legacy-sign-in'));
  edit(path.join(portal, 'packages/app/src/App.tsx'), source =>
    addImports(source, signIn.imports).replace(
      /SignInPage: props => [\s\S]*?\/>\)?,\n/,
      `${signIn.body.replace(/,?\s*$/, ',')}\n`,
    ),
  );
}

function generate(template, portal) {
  const marker = path.join(portal, '.verify-install-generated');
  if (fs.existsSync(marker)) {
    log(
      `${template}: reusing the portal generated in ${portal} (reset to the template)`,
    );
    run('git reset', 'git', ['reset', '--hard', '-q'], { cwd: portal });
    // Untracked, not ignored files only: node_modules and the Yarn cache stay.
    run(
      'git clean',
      'git',
      ['clean', '-fdq', '-e', '.verify-install-generated'],
      { cwd: portal },
    );
    return;
  }
  fs.rmSync(portal, { recursive: true, force: true });
  log(
    `${template}: npx @backstage/create-app@latest${
      template === 'legacy' ? ' --legacy' : ''
    }`,
  );
  const args = [
    '-y',
    '@backstage/create-app@latest',
    '--path',
    portal,
    '--skip-install',
  ];
  if (template === 'legacy') args.push('--legacy');
  const result = spawnSync('npx', args, {
    input: `verify-${template}\n`,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new StepError('create-app failed');
  // Template fix, not ours: offline (without create-app's yarn.lock seed) the template's
  // backend-defaults ^0.18 does not start next to the newest plugins (signals:
  // httpRouter.addWebSocketHandler is not a function).
  const backendManifest = path.join(portal, 'packages/backend/package.json');
  const manifest = JSON.parse(fs.readFileSync(backendManifest, 'utf8'));
  manifest.dependencies['@backstage/backend-defaults'] = '^0.19.0';
  fs.writeFileSync(backendManifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Records the generated and installed portal in a git repository of its own, so that a later run
 * can reset it to this state (`generate`) instead of generating and installing it again.
 */
function snapshot(portal) {
  const marker = path.join(portal, '.verify-install-generated');
  if (fs.existsSync(marker)) return;
  run('git init', 'git', ['init', '-q'], { cwd: portal });
  run('git add', 'git', ['add', '-A'], { cwd: portal });
  run(
    'git commit',
    'git',
    [
      '-c',
      'user.name=verify',
      '-c',
      'user.email=verify@localhost',
      'commit',
      '-qm',
      'create-app template, installed',
    ],
    { cwd: portal },
  );
  fs.writeFileSync(marker, '');
}

function checkRequestLog(logFile) {
  const text = fs.readFileSync(logFile, 'utf8');
  const frames = text.match(/handler\/frame\?[^\s"]*/g) ?? [];
  if (!frames.some(f => f.includes('code=<redacted>'))) {
    throw new StepError(
      'the request log has no redacted /handler/frame?code= line',
    );
  }
  const leaks = [
    ...text.matchAll(/[?&](code|state|filter)=([^&\s"]*)/g),
  ].filter(m => m[2] !== '<redacted>');
  if (leaks.length) {
    throw new StepError(
      `the request log has unredacted ${[...new Set(leaks.map(m => m[1]))].join(
        ', ',
      )} values`,
    );
  }
  if (/alice@example\.com/.test(text)) {
    throw new StepError("the backend log contains the user's email");
  }
  return frames.length;
}

function signInInNamespace(template, portal) {
  const logs = path.join(work, `${template}-logs`);
  fs.rmSync(logs, { recursive: true, force: true });
  fs.mkdirSync(logs, { recursive: true });
  const runner = path.join(logs, 'run-in-netns.sh');
  fs.writeFileSync(
    runner,
    `#!/usr/bin/env bash
# Runs inside 'unshare -n': only a loopback interface, so ports 3000/7007/7011 are private.
set -u
ip link set lo up
cleanup() { kill $(jobs -p) 2>/dev/null; sleep 2; kill -9 $(jobs -p) 2>/dev/null; }
trap cleanup EXIT
wait_for() { # url seconds
  for _ in $(seq "$2"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  echo "verify:install: $1 did not answer within $2 s" >&2; return 1
}
(cd "${root}" && exec yarn workspace @internal/mock-palette start) > "${logs}/mock-palette.log" 2>&1 &
(cd "${portal}" && exec yarn start) > "${logs}/portal.log" 2>&1 &
wait_for http://localhost:7011/v1/oidc/tenant/demo-tenant/.well-known/openid-configuration 120 || exit 1
wait_for http://localhost:7007/.backstage/health/v1/readiness 900 || { tail -50 "${logs}/portal.log"; exit 1; }
wait_for http://localhost:3000 1200 || { tail -50 "${logs}/portal.log"; exit 1; }
cd "${root}" && VERIFY_INSTALL_RESULTS="${logs}/test-results" yarn playwright test --config e2e/verify-install/playwright.config.ts
`,
    { mode: 0o755 },
  );
  try {
    run('the Playwright sign-in', 'unshare', ['-n', 'bash', runner]);
  } catch (error) {
    console.error(`verify:install: portal output in ${logs}/portal.log`);
    throw error;
  }
  return checkRequestLog(path.join(logs, 'portal.log'));
}

function verify(template, tarballs) {
  const portal = path.join(work, template);
  const times = {};
  let t = Date.now();
  generate(template, portal);
  log(`${template}: yarn install`);
  run('yarn install', 'yarn', ['install'], { cwd: portal });
  snapshot(portal);
  times.install = Date.now() - t;

  t = Date.now();
  log(
    `${template}: add the tarballs (README: yarn --cwd packages/... add ...)`,
  );
  // The token cache is not on npm yet: the backend module's dependency on it resolves to its tarball.
  const rootManifestFile = path.join(portal, 'package.json');
  const rootManifest = JSON.parse(fs.readFileSync(rootManifestFile, 'utf8'));
  rootManifest.resolutions = {
    ...rootManifest.resolutions,
    [PACKAGES.tokenCache]: `file:${tarballs[PACKAGES.tokenCache]}`,
  };
  fs.writeFileSync(
    rootManifestFile,
    `${JSON.stringify(rootManifest, null, 2)}\n`,
  );
  run(
    'yarn add (backend)',
    'yarn',
    [
      '--cwd',
      'packages/backend',
      'add',
      `${PACKAGES.backend}@file:${tarballs[PACKAGES.backend]}`,
    ],
    { cwd: portal },
  );
  run(
    'yarn add (app)',
    'yarn',
    [
      '--cwd',
      'packages/app',
      'add',
      `${PACKAGES.frontend}@file:${tarballs[PACKAGES.frontend]}`,
    ],
    { cwd: portal },
  );

  log(`${template}: wire backend, app-config and app from the README blocks`);
  wireBackend(portal);
  wireAppConfig(portal);
  wireFrontend(portal, template);
  run('git diff', 'git', ['--no-pager', 'diff', '--stat'], { cwd: portal });
  times.wiring = Date.now() - t;

  t = Date.now();
  log(`${template}: yarn tsc in the portal`);
  run('yarn tsc in the portal', 'yarn', ['tsc'], { cwd: portal });
  times.tsc = Date.now() - t;

  t = Date.now();
  log(
    `${template}: start mock Palette + portal in a private network namespace, Playwright sign-in`,
  );
  const frames = signInInNamespace(template, portal);
  times.signIn = Date.now() - t;
  return `install ${elapsed(times.install)}, add+wire ${elapsed(
    times.wiring,
  )}, tsc ${elapsed(times.tsc)}, start+sign-in ${elapsed(
    times.signIn,
  )}; request log: ${frames} /handler/frame line(s), codes/states/filters redacted`;
}

if (process.argv[2] === '--wire') {
  // Debugging aid: only apply the README blocks to an existing portal.
  // node scripts/verify-install.mjs --wire <portal folder> <default|legacy>
  const [, , , portal, template] = process.argv;
  wireBackend(portal);
  wireAppConfig(portal);
  wireFrontend(portal, template);
  process.exit(0);
}

let failed = false;
try {
  log(`pack (yarn tsc, scripts/pack-packages.mjs) into ${work}/packs`);
  run('yarn tsc', process.execPath, [yarnRelease, 'tsc'], { cwd: root });
  const packOutput = execFileSync(
    process.execPath,
    [
      path.join(root, 'scripts/pack-packages.mjs'),
      '--out',
      path.join(work, 'packs'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  ).toString();
  process.stdout.write(packOutput);
  const tarballs = {};
  for (const line of packOutput.trim().split('\n')) {
    const m = /^(@[^@]+)@[^:]+: (\S+)/.exec(line);
    if (m) tarballs[m[1]] = m[2];
  }
  for (const template of templates) {
    const t = Date.now();
    try {
      const details = verify(template, tarballs);
      summary.push(`PASS ${template} (${elapsed(Date.now() - t)}): ${details}`);
    } catch (error) {
      failed = true;
      summary.push(
        `FAIL ${template} (${elapsed(Date.now() - t)}): ${error.message}`,
      );
      if (!(error instanceof StepError)) console.error(error);
    }
  }
} catch (error) {
  failed = true;
  summary.push(`FAIL: ${error.message}`);
}
log(`summary (total ${elapsed(Date.now() - startedAt)})`);
for (const line of summary) console.log(line);
process.exit(failed ? 1 : 0);
