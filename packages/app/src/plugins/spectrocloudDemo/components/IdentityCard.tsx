import { InfoCard } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { AsyncContent } from './AsyncContent';
import { KeyValueTable } from './KeyValueTable';

/** The Backstage identity and profile of the signed-in user (identity API). */
export function IdentityCard() {
  const identityApi = useApi(identityApiRef);
  const state = useAsync(async () => {
    const [identity, profile] = await Promise.all([
      identityApi.getBackstageIdentity(),
      identityApi.getProfileInfo(),
    ]);
    return { identity, profile };
  }, [identityApi]);

  return (
    <InfoCard title="Backstage identity">
      <AsyncContent state={state} title="Could not read the identity">
        {({ identity, profile }) => (
          <KeyValueTable
            ariaLabel="Backstage identity"
            headers={['Field', 'Value']}
            rows={[
              ['User entity', identity.userEntityRef],
              ['Ownership', identity.ownershipEntityRefs.join(', ')],
              ['Display name', profile.displayName ?? '(none)'],
              ['Email', profile.email ?? '(none)'],
            ]}
          />
        )}
      </AsyncContent>
    </InfoCard>
  );
}
