export type LogFormat = 'json' | 'pretty';

export const logFormats = ['json', 'pretty'] as const;

/**
 * People at a terminal read lines; pipes, files and compose collect JSON. `LOG_FORMAT` overrides the guess either way
 * (an unknown value is refused at start-up by the configuration, so here it only falls back to the guess).
 */
export function resolveLogFormat(requested: string | undefined, stdoutIsTty: boolean): LogFormat {
  if (requested === 'json' || requested === 'pretty') return requested;
  return stdoutIsTty ? 'pretty' : 'json';
}
