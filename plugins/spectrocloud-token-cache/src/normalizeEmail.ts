/**
 * Normalises an email address for use as a token cache key: trimmed and lower-cased.
 *
 * @remarks
 * Palette and most identity providers treat the address case-insensitively; the sign-in
 * resolvers compare emails the same way, so every lookup and write goes through here.
 *
 * @param email - an email address, e.g. `" Alice@Example.com "`
 * @returns the normalised address, e.g. `"alice@example.com"`
 * @throws TypeError when `email` is not a non-empty string
 * @public
 */
export function normalizeEmail(email: string): string {
  const trimmed = typeof email === 'string' ? email.trim() : '';
  if (trimmed === '') {
    throw new TypeError('email must be a non-empty string');
  }
  return trimmed.toLowerCase();
}
