import { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that records every line (message, metadata, error message and stack) as text. */
export interface LogCapture {
  /** Every line logged so far, oldest first. */
  lines: string[];
  logger: LoggerService;
}

/** Creates a {@link LogCapture}; children write to the same `lines`. */
export function createLogCapture(): LogCapture {
  const lines: string[] = [];
  const make = (meta: Record<string, unknown>): LoggerService => {
    const write =
      (level: string) => (message: string, extra?: Error | object) => {
        const detail =
          extra instanceof Error
            ? `${extra.message} ${extra.stack}`
            : JSON.stringify(extra ?? {});
        lines.push(`${level} ${message} ${detail} ${JSON.stringify(meta)}`);
      };
    return {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      child: childMeta => make({ ...meta, ...childMeta }),
    };
  };
  return { lines, logger: make({}) };
}
