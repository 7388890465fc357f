/**
 * Runs a mock server as a standalone process: `start` brings it up and returns what `close()`
 * shuts it down; SIGINT/SIGTERM close it and exit 0 (1 when closing fails); a failed start prints
 * its message (never a token: the mocks' start errors are about ports and settings) and exits 1.
 *
 * @param name - shown in the process output, e.g. `Mock SpectroCloud Palette`
 */
export function runStandalone(
  name: string,
  start: () => Promise<{ close(): Promise<void> }>,
): void {
  start().then(
    server => {
      const shutdown = (signal: string) => {
        process.stdout.write(`${name}: ${signal}, closing\n`);
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    },
    error => {
      process.stderr.write(
        `${name} failed to start: ${
          error instanceof Error ? error.message : String(error)
        }\n`,
      );
      process.exit(1);
    },
  );
}
