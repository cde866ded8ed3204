import { configRules, type ConfigVariable } from './config-rules.js';

/** A configuration problem; its message is the one line start-up prints before it stops. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const secretName = /TOKEN|KEY|SECRET|PASSWORD/;
const shownLength = 80;

/**
 * The value as an error may show it: secrets not at all (a start-up line ends up in logs and bug reports), and a
 * URL's password masked, so a database URL still shows which host it points at.
 */
export function displayValue(variable: string, value: string | undefined): string {
  if (value === undefined) return '(unset)';
  if (secretName.test(variable)) return '(hidden)';
  let shown = value;
  if (/^[a-z][\w+.-]*:\/\//i.test(value)) {
    if (!URL.canParse(value)) {
      // An unparseable URL may still carry credentials before an @ that we cannot locate reliably.
      if (value.includes('@')) return '(hidden: a URL with credentials)';
    } else {
      const url = new URL(value);
      if (url.password) shown = value.replace(`:${url.password}@`, ':***@');
    }
  }
  if (shown.length > shownLength) shown = `${shown.slice(0, shownLength)}…`;
  return JSON.stringify(shown);
}

/** One line: the variable, its value, what is wrong with it and the rule it must follow. */
export function invalidVariable(variable: string, value: string | undefined, problem: string): ConfigError {
  const rule = (configRules as Record<string, string | undefined>)[variable];
  return new ConfigError(`${variable}=${displayValue(variable, value)} is invalid: ${problem}${rule ? `; expected ${rule}` : ''}`, variable);
}

export type { ConfigVariable };
