import '@testing-library/jest-dom';

/**
 * Backstage's core-components (ErrorPanel's accordion, InfoCard, ...) are built on Material UI 4,
 * whose ButtonBase calls `ReactDOM.findDOMNode`; React 18 warns about that, with a ~100-line
 * component stack, whenever such a button mounts. Drop exactly that warning when the nearest
 * component above Material UI is Backstage's: nothing we can fix here. Our own components must not
 * use Material UI 4 buttons (SignOutButton uses Backstage UI), so theirs still show.
 */
function isBackstageMaterialUiFindDomNodeWarning(args: unknown[]): boolean {
  if (
    typeof args[0] !== 'string' ||
    !args[0].includes('findDOMNode is deprecated')
  ) {
    return false;
  }
  const stack = args.find(
    (arg): arg is string =>
      typeof arg === 'string' && arg.includes('\n    at '),
  );
  const owner = stack
    ?.split('\n')
    .find(line => line.includes('(') && !line.includes('/@material-ui/'));
  return !!owner?.includes('/node_modules/@backstage/core-components/');
}

/* eslint-disable no-console */
const consoleError = console.error;
console.error = (...args: unknown[]) => {
  if (!isBackstageMaterialUiFindDomNodeWarning(args)) {
    consoleError(...args);
  }
};
/* eslint-enable no-console */
