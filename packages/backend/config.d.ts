import { HumanDuration } from '@backstage/types';

export interface Config {
  spectrocloud?: {
    /**
     * Base URL of the Palette REST API, e.g. `https://api.spectrocloud.com` (the demo uses the
     * mock at `http://localhost:7011`). The spectrocloud-demo plugin calls `<apiUrl>/v1/projects`.
     */
    apiUrl?: string;
    /** Settings of the example spectrocloud-demo backend plugin. */
    demo?: {
      /**
       * Bound of one Palette API call, as a duration (`{ seconds: 10 }`) or a string (`'10s'`).
       * Default 10 seconds.
       */
      timeout?: HumanDuration | string;
    };
  };
}
