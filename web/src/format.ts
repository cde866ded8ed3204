/** "3 min ago", "2 h ago": ages on cards. */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

/** `https://github.com/owner/repo` → `owner/repo`. */
export function repositoryName(url: string): string {
  return url.replace(/^https?:\/\/[^/]+\//, '').replace(/\.git$/, '');
}

export const openStatuses: ReadonlySet<string> = new Set(['pending', 'running', 'waiting_for_approval']);

/** What agents used, e.g. "$0.45 · 3 turns · 150,000 in / 60 out tokens". */
export function usageSummary(usage: { cost_usd?: number | null; turns?: number; input_tokens?: number; output_tokens?: number }): string {
  const turns = usage.turns ?? 0;
  const parts = [`$${(usage.cost_usd ?? 0).toFixed(2)}`, `${turns} ${turns === 1 ? 'turn' : 'turns'}`];
  if (usage.input_tokens !== undefined && usage.output_tokens !== undefined) {
    parts.push(`${usage.input_tokens.toLocaleString('en-US')} in / ${usage.output_tokens.toLocaleString('en-US')} out tokens`);
  }
  return parts.join(' · ');
}

/** The limits of a work order, e.g. "$5.00 · 200 turns · 1 h 0 min of agent time", or "no limit". */
export function budgetSummary(limits: { max_cost_usd: number | null; max_turns: number | null; max_duration_seconds: number | null }): string {
  const parts = [
    limits.max_cost_usd !== null ? `$${limits.max_cost_usd.toFixed(2)}` : null,
    limits.max_turns !== null ? `${limits.max_turns} turns` : null,
    limits.max_duration_seconds !== null ? `${duration(limits.max_duration_seconds)} of agent time` : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(' · ') : 'no limit';
}

/** `waiting_for_approval` → `waiting for approval`. */
export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}
