import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from '../../src/logger.js';

let installed = false;

const sdkLevels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };

/**
 * Routes the Temporal SDK's own logs into our structured logger, at our level. Must run before the first
 * NativeConnection or Worker is created in the process; later calls do nothing.
 */
export function installWorkerRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const level = sdkLevels[logger.level] ?? 'INFO';
  const sdkLogger = new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
    const method = entryLevel === 'ERROR' ? 'error' : entryLevel === 'WARN' ? 'warn' : entryLevel === 'INFO' ? 'info' : 'debug';
    logger[method]({ event: 'temporal_sdk_logged', ...meta }, message);
  });
  try {
    Runtime.install({ logger: sdkLogger });
  } catch {
    // Already created by an earlier connection in this process: the SDK's default logger stays.
  }
}
