import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { FieldIssue } from './api-errors.js';

/** Standard Schema issues (zod's included) as field issues; `root` names what was validated (body, query, path). */
export function toFieldIssues(issues: readonly StandardSchemaV1.Issue[], root: string): FieldIssue[] {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment));
    const rule = ruleOf(issue);
    const unknownKeys = (issue as { keys?: unknown }).keys;
    if (Array.isArray(unknownKeys) && unknownKeys.length > 0) {
      const field = [...path, unknownKeys.map(String).join(', ')].join('.');
      return { field, message: `unknown field${unknownKeys.length > 1 ? 's' : ''}; remove ${unknownKeys.length > 1 ? 'them' : 'it'}`, rule: 'unknown_field' };
    }
    return { field: path.length > 0 ? path.join('.') : root, message: issue.message, ...(rule ? { rule } : {}) };
  });
}

function ruleOf(issue: StandardSchemaV1.Issue): string | undefined {
  const params = (issue as { params?: { rule?: unknown } }).params;
  if (typeof params?.rule === 'string') return params.rule;
  const code = (issue as { code?: unknown }).code;
  return typeof code === 'string' && code !== 'custom' ? code : undefined;
}
