/** The three backends of the benchmark and their configuration (same shape for all three). */
import type { JsonObject } from '@backstage/types';

/** `ours`: this repository's module; `official`: Backstage's OIDC module; `floor`: no work. */
export const VARIANTS = ['ours', 'official', 'floor'] as const;
export type Variant = (typeof VARIANTS)[number];

export function isVariant(value: unknown): value is Variant {
  return VARIANTS.includes(value as Variant);
}

/** The provider id each variant registers. */
export function providerIdOf(variant: Variant): string {
  return { ours: 'spectrocloud', official: 'oidc', floor: 'floor' }[variant];
}

/** The mock Palette's demo client (a demo value, not a secret). */
export const CLIENT = {
  clientId: 'backstage-demo',
  clientSecret: 'backstage-demo-secret',
};

/**
 * The root config of a variant's backend on `port`: in-memory SQLite, auth environment
 * `development`, one provider block for the mock Palette at `issuer`, resolver
 * `emailMatchingUserEntityProfileEmail`. `auth.session.secret` is set for every variant (the
 * official module needs it for express-session; the others ignore it).
 */
export function benchConfig(
  variant: Variant,
  port: number,
  issuer: string,
): JsonObject {
  const signIn = {
    resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }],
  };
  const provider =
    variant === 'official'
      ? {
          ...CLIENT,
          metadataUrl: `${issuer}/.well-known/openid-configuration`,
          prompt: 'auto',
          signIn,
        }
      : { ...CLIENT, authorizationUrl: `${issuer}/auth`, signIn };
  return {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    auth: {
      environment: 'development',
      session: { secret: 'bench-only-session-secret' },
      providers: { [providerIdOf(variant)]: { development: provider } },
    },
  };
}
