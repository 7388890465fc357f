import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Button } from '@material-ui/core';
import { useState } from 'react';

/**
 * Signs out through the identity API: the SpectroCloud session is ended at the backend (refresh
 * cookie, cached Palette token) and the app reloads at its base path, i.e. the sign-in page.
 */
export function SignOutButton() {
  const identityApi = useApi(identityApiRef);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="contained"
      color="primary"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        identityApi.signOut().finally(() => setBusy(false));
      }}
    >
      Sign out
    </Button>
  );
}
