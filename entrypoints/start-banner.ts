export interface StartBannerFacts {
  version: string;
  apiUrl: string;
  temporalAddress: string;
  /** null: an external Temporal server, whose Web UI this process does not know. */
  temporalUiUrl: string | null;
  /** The worker's task queues; absent when this process runs only the API. */
  taskQueues?: string[];
  home: string;
  /** Further lines for the reader, e.g. where the API token is. */
  notes?: string[];
  /** /health's reasons: what would stop real work (missing credentials, unreachable dependencies). */
  problems: string[];
}

/**
 * What a person who just ran `npm start` needs: where to go, where the data is, and in plain words what is missing
 * before a work order can succeed. Printed to stdout beside the log lines, so it reads the same in either log format.
 */
export function formatStartBanner(facts: StartBannerFacts): string {
  const lines = [
    `Agent Work Orders ${facts.version} is up`,
    `  API: ${facts.apiUrl}/api/agent-work-orders  (OpenAPI ${facts.apiUrl}/docs, health ${facts.apiUrl}/health)`,
    `  Web UI: ${facts.apiUrl}/`,
    `  Temporal: ${facts.temporalAddress}${facts.temporalUiUrl ? `  (Web UI ${facts.temporalUiUrl})` : ''}`,
    ...(facts.taskQueues ? [`  Worker: task queues ${facts.taskQueues.join(', ')}`] : []),
    `  Home: ${facts.home}`,
    ...(facts.notes ?? []).map((note) => `  ${note}`),
  ];
  if (facts.problems.length === 0) {
    lines.push('Ready for work: npx awo create --repo <repository URL> --request "<what to do>" --follow');
  } else {
    lines.push(`Work orders will fail until this is fixed (${facts.problems.length}):`, ...facts.problems.map((problem) => `  - ${problem}`));
  }
  return lines.join('\n');
}
