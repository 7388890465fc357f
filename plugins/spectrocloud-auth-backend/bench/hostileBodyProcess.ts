/*
 * Child process of bench/outbound.ts: runs the hostile body server outside the backend's process,
 * so that its own streaming neither counts in the backend's RSS nor competes for its event loop.
 * Responses are cut after 15 s so that a client that never aborts cannot exhaust the machine.
 * Sends `{ url }` to the parent once listening, then `{ open }` on every `{ cmd: 'open' }`.
 */
import { startHostileBodyServer } from '@internal/mock-palette';

// A client that never hangs up would otherwise download the endless body for ever.
startHostileBodyServer({ maxResponseMs: 15_000 }).then(server => {
  process.send?.({ url: server.url });
  process.on('message', (message: { cmd?: string }) => {
    if (message.cmd === 'open') {
      process.send?.({ open: server.open, requests: server.requests });
    }
  });
  process.on('disconnect', () => {
    server.close().finally(() => process.exit(0));
  });
});
