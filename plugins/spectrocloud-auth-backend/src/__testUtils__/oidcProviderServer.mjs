/*
 * A plain, standards OpenID Provider for the interop test: `oidc-provider` (the OpenID-certified
 * Node.js OP, ESM-only) in a child process, because jest loads this package as CommonJS.
 *
 * Input: env OIDC_PROVIDER_OPTIONS = JSON { clientId, clientSecret, redirectUri, accounts: { <id>:
 * claims } }. Output: one JSON line { issuer } on stdout once listening. Configuration: discovery,
 * authorization code flow only, PKCE (S256) required, client_secret_basic, RS256 ID tokens, the
 * stock development login/consent pages; scope claims in the ID token (conformIdTokenClaims off).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const options = JSON.parse(process.env.OIDC_PROVIDER_OPTIONS ?? '{}');
const accounts = options.accounts ?? {};

const server = createServer();
await new Promise(resolve => server.listen(0, resolve));
const issuer = `http://localhost:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: 'interop-rs256',
  alg: 'RS256',
  use: 'sig',
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: [options.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  conformIdTokenClaims: false,
  async findAccount(_ctx, id) {
    if (!accounts[id]) {
      return undefined;
    }
    return {
      accountId: id,
      claims: async () => ({ sub: id, ...accounts[id] }),
    };
  },
});
provider.on('server_error', (_ctx, error) => {
  process.stderr.write(`oidc-provider server_error: ${error.message}\n`);
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
