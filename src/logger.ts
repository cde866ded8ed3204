import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { type LogFormat, resolveLogFormat } from './log-format.js';

export type { Logger };

export interface LoggerOptions {
  format?: LogFormat;
  /** Where lines go (stdout when unset); tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
  /** Colours in pretty lines; unset: when the terminal supports them. */
  colorize?: boolean;
}

/** Fields already shown in a pretty line's head, or noise to someone reading a terminal. */
const prettyIgnoredFields = 'pid,hostname,service,event,agent_work_order_id';

/**
 * Structured logs: JSON lines, or one human line per event on a terminal (`LOG_FORMAT=json|pretty` decides). Events
 * are named `{module}_{noun}_{verb_past}` and carry the work order id when there is one; tokens are redacted by key
 * wherever they appear, in both formats (redaction happens before formatting).
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  const format = options.format ?? resolveLogFormat(process.env.LOG_FORMAT, process.stdout.isTTY === true);
  const pinoOptions = {
    level,
    base: { service: 'agent-work-orders' },
    redact: { paths: ['token', '*.token', 'githubToken', '*.githubToken', 'authorization', '*.authorization'], censor: '[redacted]' },
  };
  if (format === 'json') return options.destination ? pino(pinoOptions, options.destination as DestinationStream) : pino(pinoOptions);
  // A stream in this thread rather than a transport's worker thread: the API, the worker and Temporal's runtime log
  // through this one logger in one process, and lines must not be lost when that process exits.
  const pretty = pinoPretty({
    destination: options.destination ?? 1,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: prettyIgnoredFields,
    // Our `error` fields are one-line messages; pino-pretty would print them as a multi-line block.
    errorLikeObjectKeys: ['err'],
    messageFormat: (log, messageKey) => [log.agent_work_order_id, log[messageKey]].filter((part) => typeof part === 'string' && part !== '').join(' '),
    ...(options.colorize === undefined ? {} : { colorize: options.colorize }),
  });
  return pino(pinoOptions, pretty);
}

export const rootLogger = createLogger();
