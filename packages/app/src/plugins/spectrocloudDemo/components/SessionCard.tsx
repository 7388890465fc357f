import { InfoCard } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { AsyncContent } from './AsyncContent';
import { formatEpochSeconds } from './formatEpochSeconds';
import { usePaletteSession } from './paletteSession';
import { useDemoClient } from './useDemoClient';
import useAsync from 'react-use/esm/useAsync';

/** When the user's Palette session token (cached by the backend) expires. Never the token. */
export function SessionCard() {
  const client = useDemoClient();
  const { reloadKey } = usePaletteSession();
  const state = useAsync(() => client.getSession(), [client, reloadKey]);
  return (
    <InfoCard title="Palette session">
      <AsyncContent state={state} title="Could not read the Palette session">
        {session => (
          <Typography data-testid="palette-session">
            The Palette session token expires at{' '}
            <strong>{formatEpochSeconds(session.expiresAt)}</strong> (in{' '}
            {Math.round(session.expiresInSeconds / 60)} min,{' '}
            {session.expiresInSeconds} s). The token itself stays in the
            backend.
          </Typography>
        )}
      </AsyncContent>
    </InfoCard>
  );
}
