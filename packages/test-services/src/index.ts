/**
 * Throwaway services for tests: each suite starts its own `redis-server` and PostgreSQL on free
 * ports and stops them afterwards, so the tests need nothing running on the machine (only the
 * binaries). Private to this repository; never a dependency of a published package.
 */
export { freePort } from './freePort';
export {
  findOnPath,
  findPostgresBinDir,
  missingServices,
  type ServiceName,
} from './binaries';
export { describeWithServices, isCi } from './describeWithServices';
export { startRedisServer, type RedisServer } from './redisServer';
export { startPostgresServer, type PostgresServer } from './postgresServer';
