import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/*
 * The README's configuration example is checked against config.d.ts (the schema Backstage
 * validates app-config with): it shows every key of spectrocloud.tokenCache, and no other.
 */
const packageDir = resolve(__dirname, '..');

function schemaKeys(): string[] {
  const schema = readFileSync(resolve(packageDir, 'config.d.ts'), 'utf8');
  const block = schema.slice(schema.indexOf('tokenCache?: {'));
  // Direct members of spectrocloud.tokenCache are indented by 6 spaces.
  return [...block.matchAll(/^ {6}(\w+)\??:/gm)].map(m => m[1]).sort();
}

function readmeKeys(): string[] {
  const readme = readFileSync(resolve(packageDir, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const yaml = section.slice(
    section.indexOf('```yaml'),
    section.indexOf('```', section.indexOf('```yaml') + 3),
  );
  return [...yaml.matchAll(/^ {4}(\w+):/gm)].map(m => m[1]).sort();
}

describe('README configuration reference', () => {
  it('shows every key of config.d.ts, and no other', () => {
    expect(schemaKeys().length).toBeGreaterThan(5);
    expect(readmeKeys()).toEqual(schemaKeys());
  });
});
