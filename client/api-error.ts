import type { components } from './generated/api-types.js';

export type FieldError = NonNullable<components['schemas']['ApiError']['errors']>[number];

/**
 * A non-2xx answer of the API, carrying its JSON error body (`status_code`, `detail`, `errors[]` naming fields).
 * A network failure is not one of these: fetch's own TypeError reaches the caller unchanged.
 */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  readonly status_code: number;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly error_id: string | undefined;

  constructor(status: number, body: unknown) {
    const parsed = errorBody(status, body);
    super(`${parsed.status_code} ${parsed.detail}`);
    this.status_code = parsed.status_code;
    this.detail = parsed.detail;
    this.errors = parsed.errors ?? [];
    this.error_id = parsed.error_id;
  }

  /** The messages the API gave for one field (`user_request`, `repository_url`, ...), for showing next to it. */
  fieldMessages(field: string): string[] {
    return this.errors.filter((error) => error.field === field).map((error) => error.message);
  }
}

function errorBody(status: number, body: unknown): components['schemas']['ApiError'] {
  if (body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string') {
    const candidate = body as Partial<components['schemas']['ApiError']>;
    return {
      status_code: typeof candidate.status_code === 'number' ? candidate.status_code : status,
      detail: candidate.detail!,
      errors: Array.isArray(candidate.errors) ? candidate.errors : [],
      error_id: typeof candidate.error_id === 'string' ? candidate.error_id : undefined,
    };
  }
  // A proxy's HTML page or an empty body: the status still says what happened.
  const text = typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 200) : `HTTP ${status}`;
  return { status_code: status, detail: text, errors: [] };
}
