#!/usr/bin/env node
/*
 * API reports of the published packages (plugins/*), one per entry point of each package's
 * `exports`, written next to its package.json as `report.api.md` (root) and
 * `report-<entry>.api.md` (e.g. `report-alpha.api.md`), with Microsoft API Extractor.
 *
 *   node scripts/api-reports.mjs           regenerate the reports (after `yarn tsc`)  = yarn api:update
 *   node scripts/api-reports.mjs --check   fail when a report is out of date, when an entry
 *                                          point exports more than 12 names, or when
 *                                          API Extractor reports an error         = yarn api:check
 *
 * Reads the declarations `yarn tsc` emits into dist-types/. Prints the number of exported names
 * per entry point.
 */
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_NAMES = 12;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const tempFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'api-reports-'));

function entryPoints(pkgDir) {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'),
  );
  const exports = pkg.exports ?? { '.': pkg.types };
  return Object.entries(exports)
    .filter(
      ([key, target]) => key !== './package.json' && /\.tsx?$/.test(target),
    )
    .map(([key, target]) => ({
      name: key === '.' ? '' : key.replace(/^\.\//, ''),
      source: target,
    }));
}

function countNames(reportFile) {
  const text = fs.readFileSync(reportFile, 'utf8');
  const names = new Set();
  for (const line of text.split('\n')) {
    let m =
      /^export (?:declare )?(?:abstract )?(?:const|function|class|interface|type|enum|namespace) (\w+)/.exec(
        line,
      );
    if (m) names.add(m[1]);
    m = /^export \{ (\w+)(?: as (\w+))? \}/.exec(line);
    if (m) names.add(m[2] ?? m[1]);
    m = /^export default /.exec(line);
    if (m) names.add('default');
  }
  return names;
}

const packages = fs
  .readdirSync(path.join(root, 'plugins'))
  .map(d => path.join(root, 'plugins', d))
  .filter(d => fs.existsSync(path.join(d, 'package.json')))
  .filter(
    d =>
      !JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'))
        .private,
  );

let failed = false;
for (const pkgDir of packages) {
  const rel = path.relative(root, pkgDir);
  for (const entry of entryPoints(pkgDir)) {
    const dts = path.join(
      root,
      'dist-types',
      rel,
      entry.source.replace(/\.tsx?$/, '.d.ts'),
    );
    if (!fs.existsSync(dts)) {
      console.error(
        `api-reports: ${path.relative(
          root,
          dts,
        )} is missing; run yarn tsc first`,
      );
      process.exit(1);
    }
    const reportFileName = entry.name ? `report-${entry.name}` : 'report';
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: pkgDir,
        mainEntryPointFilePath: dts,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              lib: ['DOM', 'DOM.Iterable', 'ES2024'],
              jsx: 'react-jsx',
              target: 'ES2024',
              module: 'ES2020',
              moduleResolution: 'bundler',
              esModuleInterop: true,
              skipLibCheck: true,
              strict: true,
              types: ['node'],
            },
            files: [dts],
          },
        },
        apiReport: {
          enabled: true,
          reportFolder: pkgDir,
          // The report is always written here first; its warning lines carry absolute paths,
          // which are made relative to the repository before it is compared or committed.
          reportTempFolder: path.join(tempFolder, rel),
          reportFileName,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            default: { logLevel: 'warning', addToApiReportFile: true },
            'ae-missing-release-tag': {
              logLevel: 'none',
              addToApiReportFile: true,
            },
            'ae-forgotten-export': {
              logLevel: 'error',
              addToApiReportFile: true,
            },
          },
          tsdocMessageReporting: {
            default: { logLevel: 'none', addToApiReportFile: false },
          },
        },
        newlineKind: 'lf',
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: path.join(pkgDir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: false,
      showVerboseMessages: false,
      messageCallback: message => {
        if (message.logLevel === 'warning' && message.category === 'Compiler') {
          message.handled = true; // type errors are yarn tsc's job
        }
      },
    });
    const reportFile = path.join(pkgDir, `${reportFileName}.api.md`);
    const generated = fs
      .readFileSync(
        path.join(tempFolder, rel, `${reportFileName}.api.md`),
        'utf8',
      )
      .split(`${root}${path.sep}`)
      .join('');
    const committed = fs.existsSync(reportFile)
      ? fs.readFileSync(reportFile, 'utf8')
      : undefined;
    if (!check && generated !== committed) {
      fs.writeFileSync(reportFile, generated);
    }
    const names = countNames(reportFile);
    const label = `${
      JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
        .name
    }${entry.name ? `/${entry.name}` : ''}`;
    const problems = [];
    if (result.errorCount > 0)
      problems.push(`${result.errorCount} API Extractor error(s)`);
    if (check && generated !== committed)
      problems.push(
        `${path.relative(root, reportFile)} is out of date (yarn api:update)`,
      );
    if (names.size > MAX_NAMES)
      problems.push(`${names.size} exported names, at most ${MAX_NAMES}`);
    console.log(
      `${problems.length ? 'FAIL' : 'ok  '} ${label}: ${names.size} names${
        problems.length ? ` - ${problems.join('; ')}` : ''
      }`,
    );
    if (problems.length) failed = true;
  }
}
fs.rmSync(tempFolder, { recursive: true, force: true });
if (failed) {
  console.error(check ? 'api:check failed' : 'api:update finished with errors');
  process.exit(1);
}
