import { ReactNode, useEffect } from 'react';
import { Progress } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { DemoRequestError } from '../SpectroCloudDemoClient';
import { usePaletteSession } from './paletteSession';

/** The state of an async load, as `react-use`'s `useAsync` returns it. */
export interface AsyncState<T> {
  loading: boolean;
  error?: Error;
  value?: T;
}

/**
 * Renders a progress bar while `state` loads, `children(value)` once it is there, and a plain
 * one-line message when it failed (never a stack trace or the raw error). A lost Palette session
 * is not shown here: it is reported to the page, which shows one "Sign in again" message.
 */
export function AsyncContent<T>(props: {
  state: AsyncState<T>;
  title: string;
  children: (value: T) => ReactNode;
}) {
  const { state, title, children } = props;
  const { reportSessionEnded } = usePaletteSession();
  const sessionEnded =
    state.error instanceof DemoRequestError && state.error.sessionEnded;
  useEffect(() => {
    if (sessionEnded) {
      reportSessionEnded();
    }
  }, [sessionEnded, reportSessionEnded]);

  if (state.loading) {
    return <Progress />;
  }
  if (sessionEnded) {
    return null;
  }
  if (state.error) {
    const message =
      state.error instanceof DemoRequestError
        ? state.error.message
        : 'Something went wrong. Reload the page to try again.';
    return (
      <Typography role="alert" color="error">
        {title}: {message}
      </Typography>
    );
  }
  return <>{children(state.value as T)}</>;
}
