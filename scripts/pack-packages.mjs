#!/usr/bin/env node
/*
 * Builds and packs the three published packages into tarballs, the way they would be published,
 * and checks each tarball: LICENSE, README.md and CHANGELOG.md present, the built entry points
 * present, a manifest without private package names or `workspace:` ranges, with repository and
 * homepage. Run `yarn tsc` first (the builds read dist-types/).
 *
 *   node scripts/pack-packages.mjs [--out DIR]     (default DIR: dist-packs/)
 *
 * Prints one line per tarball; exits non-zero on the first failed check.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const outDir = path.resolve(
  outIndex > 0 ? process.argv[outIndex + 1] : path.join(root, 'dist-packs'),
);
const yarnRelease = path.join(
  root,
  '.yarn',
  'releases',
  fs.readdirSync(path.join(root, '.yarn', 'releases'))[0],
);
const PACKAGES = [
  'spectrocloud-token-cache',
  'spectrocloud-auth-backend',
  'spectrocloud-auth',
];

function yarn(args, cwd) {
  return execFileSync(process.execPath, [yarnRelease, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  }).toString();
}

function fail(message) {
  console.error(`pack-packages: ${message}`);
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
for (const dir of PACKAGES) {
  const pkgDir = path.join(root, 'plugins', dir);
  const { name, version } = JSON.parse(
    fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'),
  );
  yarn(['build'], pkgDir);
  const tarball = path.join(
    outDir,
    `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`,
  );
  fs.rmSync(tarball, { force: true });
  yarn(['pack', '--out', tarball], pkgDir);
  const files = execFileSync('tar', ['tzf', tarball])
    .toString()
    .split('\n')
    .filter(Boolean);
  for (const required of [
    'package/LICENSE',
    'package/README.md',
    'package/CHANGELOG.md',
    'package/package.json',
  ]) {
    if (!files.includes(required))
      fail(`${path.basename(tarball)} lacks ${required}`);
  }
  const manifest = JSON.parse(
    execFileSync('tar', ['xzOf', tarball, 'package/package.json']).toString(),
  );
  const text = JSON.stringify(manifest);
  if (/@internal\//.test(text))
    fail(`${name}: the packed manifest names a private @internal/ package`);
  if (/workspace:/.test(text))
    fail(`${name}: the packed manifest has a workspace: range`);
  if (!manifest.repository || !manifest.homepage)
    fail(`${name}: repository or homepage missing`);
  const entries = [
    manifest.main,
    manifest.types,
    ...Object.values(manifest.exports ?? {}).flatMap(e =>
      typeof e === 'string' ? [e] : Object.values(e),
    ),
  ];
  // Paths only: backstage-cli's prepack adds conditions such as `backstage: '@backstage/FrontendPlugin'`.
  for (const entry of entries.filter(
    e => typeof e === 'string' && /^(\.\/)?dist\//.test(e),
  )) {
    if (!files.includes(`package/${entry.replace(/^\.\//, '')}`))
      fail(`${name}: ${entry} is not in the tarball`);
  }
  console.log(`${name}@${version}: ${tarball} (${files.length} files)`);
}
