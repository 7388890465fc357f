import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The services a test can ask for. */
export type ServiceName = 'redis' | 'postgres';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the folders of `PATH`, or `undefined`. */
export function findOnPath(
  name: string,
  path = process.env.PATH ?? '',
): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map(dir => join(dir, name))
    .find(isExecutable);
}

/** Where Debian and Ubuntu install the server binaries: `/usr/lib/postgresql/<major>/bin`. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

/**
 * The folder holding PostgreSQL's `initdb` and `postgres`: the one on `PATH`, else the newest
 * `/usr/lib/postgresql/<major>/bin` (Debian's packages keep them off `PATH`), else `undefined`.
 */
export function findPostgresBinDir(
  path = process.env.PATH ?? '',
  debianRoot = DEBIAN_POSTGRES_ROOT,
): string | undefined {
  const hasServer = (dir: string) =>
    isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'postgres'));
  const onPath = path.split(delimiter).filter(Boolean).find(hasServer);
  if (onPath) return onPath;
  let majors: string[] = [];
  try {
    majors = readdirSync(debianRoot).filter(v => /^\d+$/.test(v));
  } catch {
    return undefined;
  }
  return majors
    .sort((a, b) => Number(b) - Number(a))
    .map(major => join(debianRoot, major, 'bin'))
    .find(hasServer);
}

/**
 * What is missing to start each of `services`, one phrase per service (empty when all can start):
 * `redis-server` on `PATH` for Redis, `initdb` + `postgres` for PostgreSQL.
 */
export function missingServices(
  services: ServiceName[],
  path = process.env.PATH ?? '',
): string[] {
  const missing: string[] = [];
  if (services.includes('redis') && !findOnPath('redis-server', path)) {
    missing.push('redis-server (Redis) is not on PATH');
  }
  if (services.includes('postgres') && !findPostgresBinDir(path)) {
    missing.push(
      `PostgreSQL's initdb and postgres are neither on PATH nor in ${DEBIAN_POSTGRES_ROOT}/<version>/bin`,
    );
  }
  return missing;
}

/** uid and gid of a local account, read from /etc/passwd, or `undefined` when there is none. */
export function lookupAccount(
  name: string,
): { uid: number; gid: number } | undefined {
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}
