import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Button } from '@backstage/ui';
import { useState } from 'react';

/**
 * Signs out through the identity API: the SpectroCloud session is ended at the backend (refresh
 * cookie, cached Palette token) and the app reloads at its base path, i.e. the sign-in page.
 * A Backstage UI button: Material UI 4's ButtonBase calls the deprecated `ReactDOM.findDOMNode`.
 */
export function SignOutButton() {
  const identityApi = useApi(identityApiRef);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="primary"
      isDisabled={busy}
      onPress={() => {
        setBusy(true);
        identityApi.signOut().finally(() => setBusy(false));
      }}
    >
      Sign out
    </Button>
  );
}
