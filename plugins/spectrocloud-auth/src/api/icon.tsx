/**
 * Cloud icon shown next to the SpectroCloud provider in the sign-in page and
 * in the OAuth request dialog. Sized 1em, uses `currentColor`.
 *
 * @internal
 */
export const spectroCloudIcon = (
  <svg
    viewBox="0 0 24 24"
    width="1em"
    height="1em"
    fill="currentColor"
    aria-hidden="true"
    focusable="false"
  >
    <circle cx="8" cy="13.5" r="4" />
    <circle cx="13" cy="10" r="5" />
    <circle cx="17.5" cy="14" r="3.5" />
    <rect x="8" y="13.5" width="9.5" height="4" />
  </svg>
);
