import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/*
 * The README's configuration reference is checked against config.d.ts (the schema Backstage
 * validates app-config with): every provider key of the schema has a row in the table, and the
 * table documents no key the schema lacks.
 */
const packageDir = resolve(__dirname, '..');

function schemaKeys(): string[] {
  const schema = readFileSync(resolve(packageDir, 'config.d.ts'), 'utf8');
  const block = schema.slice(schema.indexOf('[authEnv: string]: {'));
  // Direct members of the per-environment block are indented by 10 spaces.
  return [...block.matchAll(/^ {10}(\w+)\??:/gm)].map(m => m[1]).sort();
}

function readmeKeys(): string[] {
  const readme = readFileSync(resolve(packageDir, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
  );
  return [...section.matchAll(/^\| `([\w.]+)`/gm)]
    .map(m => m[1].split('.')[0])
    .sort();
}

describe('README configuration reference', () => {
  it('has one row per key of config.d.ts, and no other', () => {
    expect(schemaKeys().length).toBeGreaterThan(20);
    expect(readmeKeys()).toEqual(schemaKeys());
  });
});
