import { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';

/** The state of an async load, as `react-use`'s `useAsync` returns it. */
export interface AsyncState<T> {
  loading: boolean;
  error?: Error;
  value?: T;
}

/**
 * Renders a progress bar while `state` loads, the error (with its message and status) when it
 * failed, and `children(value)` once it is there.
 */
export function AsyncContent<T>(props: {
  state: AsyncState<T>;
  title: string;
  children: (value: T) => ReactNode;
}) {
  const { state, title, children } = props;
  if (state.loading) {
    return <Progress />;
  }
  if (state.error) {
    return <ResponseErrorPanel title={title} error={state.error} />;
  }
  return <>{children(state.value as T)}</>;
}
