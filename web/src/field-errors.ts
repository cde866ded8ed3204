import { ApiRequestError } from '../../client/index.js';

export interface MappedErrors {
  /** Messages by the form field they belong to (`selected_commands.2` belongs to `selected_commands`). */
  byField: Record<string, string[]>;
  /** What no field of the form shows: the detail, and errors naming fields the form does not have. */
  general: string[];
}

/** Places a 422's errors next to the form's fields; anything else becomes a general message. */
export function mapFieldErrors(error: unknown, formFields: readonly string[]): MappedErrors {
  if (!(error instanceof ApiRequestError)) return { byField: {}, general: error ? [error instanceof Error ? error.message : String(error)] : [] };
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  for (const fieldError of error.errors) {
    const field = fieldError.field.split('.')[0]!;
    if (formFields.includes(field)) (byField[field] ??= []).push(fieldError.message);
    else general.push(`${fieldError.field}: ${fieldError.message}`);
  }
  if (general.length > 0 || Object.keys(byField).length === 0) general.unshift(error.detail);
  return { byField, general };
}
