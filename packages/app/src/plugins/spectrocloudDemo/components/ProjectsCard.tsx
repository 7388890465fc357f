import { InfoCard } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { AsyncContent } from './AsyncContent';
import { KeyValueTable } from './KeyValueTable';
import { usePaletteSession } from './paletteSession';
import { useDemoClient } from './useDemoClient';

/** The user's Palette projects, listed by the backend with the cached session token. */
export function ProjectsCard() {
  const client = useDemoClient();
  const { reloadKey } = usePaletteSession();
  const state = useAsync(() => client.getProjects(), [client, reloadKey]);
  return (
    <InfoCard title="Palette projects">
      <AsyncContent state={state} title="Could not list the Palette projects">
        {projects =>
          projects.length === 0 ? (
            <Typography>You have no Palette projects.</Typography>
          ) : (
            <KeyValueTable
              ariaLabel="Palette projects"
              headers={['Project', 'UID']}
              rows={projects.map(p => [p.name, p.uid])}
            />
          )
        }
      </AsyncContent>
    </InfoCard>
  );
}
