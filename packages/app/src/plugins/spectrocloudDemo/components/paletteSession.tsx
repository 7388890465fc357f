import { useApi } from '@backstage/frontend-plugin-api';
import { Box, Button, Typography } from '@material-ui/core';
import { spectroCloudAuthApiRef } from '@terasky/backstage-plugin-spectrocloud-auth';
import {
  createContext,
  ReactNode,
  useCallback,
  useContext,
  useMemo,
  useState,
} from 'react';

interface PaletteSessionState {
  /** Changes when the user signed in again: cards load their data again. */
  reloadKey: number;
  /** A card found that the backend has no Palette session for the user. */
  reportSessionEnded(): void;
}

const PaletteSessionContext = createContext<PaletteSessionState>({
  reloadKey: 0,
  reportSessionEnded: () => {},
});

/** The page's Palette session state, for the cards. */
export function usePaletteSession(): PaletteSessionState {
  return useContext(PaletteSessionContext);
}

/**
 * Shows ONE plain message with a "Sign in again" button when a card reports that the backend has
 * no Palette session for the user (after the fetch wrapper's silent refresh and sign-in request
 * did not bring it back), and reloads the cards once the user signed in.
 */
export function PaletteSessionProvider(props: { children: ReactNode }) {
  const authApi = useApi(spectroCloudAuthApiRef);
  const [ended, setEnded] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);
  const reportSessionEnded = useCallback(() => setEnded(true), []);
  const value = useMemo(
    () => ({ reloadKey, reportSessionEnded }),
    [reloadKey, reportSessionEnded],
  );

  const signInAgain = async () => {
    // a click: the popup may open at once (no dialog in between)
    await authApi.getIdToken({ instantPopup: true }).catch(() => undefined);
    setEnded(false);
    setReloadKey(k => k + 1);
  };

  return (
    <PaletteSessionContext.Provider value={value}>
      {ended && (
        <Box
          role="alert"
          mb={3}
          p={2}
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          border={1}
          borderRadius={4}
          borderColor="warning.main"
        >
          <Typography>
            Your SpectroCloud Palette session has ended. Sign in again to see
            your Palette data.
          </Typography>
          <Button variant="contained" color="primary" onClick={signInAgain}>
            Sign in again
          </Button>
        </Box>
      )}
      {props.children}
    </PaletteSessionContext.Provider>
  );
}
