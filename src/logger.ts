import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Events are named `{module}_{noun}_{verb_past}` and carry the work order id when there is one;
 * tokens are redacted by key wherever they appear.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'agent-work-orders' },
    redact: { paths: ['token', '*.token', 'githubToken', '*.githubToken', 'authorization', '*.authorization'], censor: '[redacted]' },
  });
}

export const rootLogger = createLogger();
