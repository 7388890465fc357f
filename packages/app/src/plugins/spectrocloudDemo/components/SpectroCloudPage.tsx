import { Content } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import { IdentityCard } from './IdentityCard';
import { PaletteSessionProvider } from './paletteSession';
import { IdTokenClaimsCard } from './IdTokenClaimsCard';
import { ProjectsCard } from './ProjectsCard';
import { SessionCard } from './SessionCard';
import { SignOutButton } from './SignOutButton';

/** The `/spectrocloud` page: what the SpectroCloud sign-in gave this portal. */
export function SpectroCloudPage() {
  return (
    <Content>
      <PaletteSessionProvider>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <Grid container justifyContent="space-between" alignItems="center">
              <Typography variant="body1">
                You are signed in with SpectroCloud Palette.
              </Typography>
              <SignOutButton />
            </Grid>
          </Grid>
          <Grid item xs={12} md={6}>
            <IdentityCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <SessionCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <IdTokenClaimsCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <ProjectsCard />
          </Grid>
        </Grid>
      </PaletteSessionProvider>
    </Content>
  );
}
