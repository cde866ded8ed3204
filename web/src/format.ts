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

export const openStatuses: ReadonlySet<string> = new Set(['pending', 'running']);
