const REDACTED = '<redacted>';

/**
 * Keeps the path of a URL and the names of its query parameters, and replaces every query value
 * with `<redacted>`: `/api/auth/spectrocloud/handler/frame?code=abc&state=def` ->
 * `/api/auth/spectrocloud/handler/frame?code=<redacted>&state=<redacted>`.
 *
 * @remarks
 * Query strings of a Backstage backend carry secrets and personal data: the authorization code and
 * state of the OAuth callback, and the user's email in the sign-in resolver's catalog lookup
 * (`/api/catalog/entities?filter=spec.profile.email=...`). Absolute URLs (e.g. a `Referer`) keep
 * their origin; the fragment is dropped.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const hashStart = url.indexOf('#');
  const end = hashStart < 0 ? url.length : hashStart;
  if (queryStart < 0 || queryStart > end) {
    return url.slice(0, end);
  }
  const names = new URLSearchParams(url.slice(queryStart + 1, end)).keys();
  const query = [...names].map(
    name => `${encodeURIComponent(name)}=${REDACTED}`,
  );
  return `${url.slice(0, queryStart)}?${query.join('&')}`;
}
