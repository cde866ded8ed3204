import type { RepositoryCatalog } from './repository-catalog.js';

/**
 * Fills `sandbox_type` and `selected_commands` of a create-work-order body from the configured repository its
 * `repository_url` names, where the body leaves them out. Call it on the raw body, before validation: after it, the
 * schema's own defaults have filled those fields and "not given" can no longer be told apart from "given".
 * Explicit values always win; `workflow_type` counts as choosing the steps. Anything else passes through unchanged.
 */
export async function applyConfiguredRepositoryDefaults(body: unknown, catalog: Pick<RepositoryCatalog, 'findByUrl'>): Promise<unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const request = body as Record<string, unknown>;
  if (typeof request.repository_url !== 'string') return body;
  const configured = await catalog.findByUrl(request.repository_url);
  if (!configured) return body;
  const choseSteps = request.selected_commands !== undefined || request.workflow_type !== undefined;
  return {
    ...request,
    ...(request.sandbox_type === undefined ? { sandbox_type: configured.default_sandbox_type } : {}),
    ...(choseSteps ? {} : { selected_commands: [...configured.default_commands] }),
  };
}
