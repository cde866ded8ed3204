export * from './api-client.js';
export { ApiRequestError, type FieldError } from './api-error.js';
export type { components, operations, paths } from './generated/api-types.js';
