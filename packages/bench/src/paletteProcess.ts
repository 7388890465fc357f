/*
 * The mock Palette of the three-way benchmark, as its own process (forked by run.ts) so that the
 * OP does not share an event loop with the load generator. The `refresh_token` grant is on: the
 * official OIDC module refreshes through it. IPC: sends `{ palette: { issuer } }` once listening;
 * answers `{ cmd: 'calls' }` with `{ calls }` (the mock's counters) and `{ cmd: 'reset' }` with
 * `{ reset: true }`; exits on `{ cmd: 'stop' }` or when the parent goes away.
 */
import { startMockPalette } from '@internal/mock-palette';

startMockPalette({
  port: 0,
  publicHost: '127.0.0.1',
  refreshTokenGrant: true,
}).then(palette => {
  process.send?.({ palette: { issuer: palette.issuer } });
  process.on('message', (message: any) => {
    if (message?.cmd === 'calls') {
      process.send?.({ calls: { ...palette.calls } });
    } else if (message?.cmd === 'reset') {
      palette.resetCalls();
      process.send?.({ reset: true });
    } else if (message?.cmd === 'stop') {
      palette.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
});
