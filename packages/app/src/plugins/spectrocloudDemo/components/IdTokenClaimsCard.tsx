import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { spectroCloudAuthApiRef } from '@terasky/backstage-plugin-spectrocloud-auth';
import { jwtDecode, JwtPayload } from 'jwt-decode';
import useAsync from 'react-use/esm/useAsync';
import { AsyncContent } from './AsyncContent';
import { formatEpochSeconds } from './formatEpochSeconds';
import { KeyValueTable } from './KeyValueTable';
import { usePaletteSession } from './paletteSession';
import { DemoRequestError } from '../SpectroCloudDemoClient';

type IdTokenClaims = JwtPayload & { email?: string };

function describeTime(epochSeconds: number | undefined): string {
  return epochSeconds === undefined
    ? '(none)'
    : `${formatEpochSeconds(epochSeconds)} (${epochSeconds})`;
}

/**
 * The claims of the Palette ID token the backend verified at sign-in (issuer, signature, audience,
 * expiry, nonce). Decoded here for display only; the token is not shown.
 */
export function IdTokenClaimsCard() {
  const authApi = useApi(spectroCloudAuthApiRef);
  const { reloadKey } = usePaletteSession();
  const state = useAsync(async () => {
    const idToken = await authApi.getIdToken({ optional: true });
    if (!idToken) {
      throw new DemoRequestError('There is no SpectroCloud ID token', true);
    }
    return jwtDecode<IdTokenClaims>(idToken);
  }, [authApi, reloadKey]);

  return (
    <InfoCard title="ID token claims">
      <AsyncContent state={state} title="Could not read the ID token">
        {claims => (
          <KeyValueTable
            ariaLabel="ID token claims"
            headers={['Claim', 'Value']}
            rows={[
              ['iss', claims.iss ?? '(none)'],
              ['sub', claims.sub ?? '(none)'],
              [
                'aud',
                Array.isArray(claims.aud)
                  ? claims.aud.join(', ')
                  : claims.aud ?? '(none)',
              ],
              ['email', claims.email ?? '(none)'],
              ['exp', describeTime(claims.exp)],
              ['iat', describeTime(claims.iat)],
            ]}
          />
        )}
      </AsyncContent>
    </InfoCard>
  );
}
