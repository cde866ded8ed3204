import { ApiRequestError } from '../client/index.js';

/** An error the command itself found (bad arguments, a failed work order): printed as is. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line for any failure, never a stack: what the API said, or that the service could not be reached and where. */
export function errorLine(error: unknown, serviceUrl: string): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof ApiRequestError) {
    const fields = error.errors.filter((issue) => !error.detail.includes(issue.message)).map((issue) => `${issue.field}: ${issue.message}`);
    const authHint = error.status_code === 401 ? ' (set AWO_API_TOKEN to the service\'s API token)' : '';
    return `error ${error.status_code}: ${[error.detail, ...fields].join('; ')}${authHint}`;
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const cause = error.cause instanceof Error ? error.cause.message : 'no answer';
    return `cannot reach the service at ${serviceUrl} (${cause}); start it with \`npm start\`, or set AWO_URL to where it runs`;
  }
  return `error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
}
