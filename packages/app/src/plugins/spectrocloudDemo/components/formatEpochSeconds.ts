/** `1767225600` (epoch SECONDS) -> `2026-01-01T00:00:00.000Z`. */
export function formatEpochSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
