import { useEffect, useMemo, useRef, useState } from 'react';
import type { WorkOrderLogEntry } from '../../../client/index.js';

const levels = ['debug', 'info', 'warn', 'error'] as const;
const levelRank: Record<string, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** What a line shows besides time, level, step and event: the entry's own fields, short. */
function details(entry: WorkOrderLogEntry): string {
  const { timestamp: _t, level: _l, event: _e, agent_work_order_id: _id, step: _s, ...rest } = entry;
  const text = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

export function filterEntries(entries: WorkOrderLogEntry[], minLevel: string, step: string): WorkOrderLogEntry[] {
  return entries.filter((entry) => (levelRank[entry.level] ?? 0) >= (levelRank[minLevel] ?? 0) && (step === '' || entry.step === step));
}

/** The live log with level and step filters; follows new lines while scrolled to the bottom. */
export function LogView({ entries, ended }: { entries: WorkOrderLogEntry[]; ended: boolean }) {
  const [minLevel, setMinLevel] = useState('info');
  const [step, setStep] = useState('');
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const steps = useMemo(() => [...new Set(entries.map((entry) => entry.step).filter((value): value is string => !!value))], [entries]);
  const shown = useMemo(() => filterEntries(entries, minLevel, step), [entries, minLevel, step]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown, follow]);

  return (
    <section className="log-view" aria-labelledby="log-heading">
      <div className="log-toolbar">
        <h2 id="log-heading">Log</h2>
        <label>
          Level
          <select value={minLevel} onChange={(event) => setMinLevel(event.target.value)}>
            {levels.map((level) => (
              <option key={level} value={level}>
                {level} and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Step
          <select value={step} onChange={(event) => setStep(event.target.value)}>
            <option value="">all steps</option>
            {steps.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" role="status">
          {ended ? 'stream ended' : 'live'} · {shown.length} of {entries.length} lines
        </span>
      </div>
      <div
        className="log-lines"
        ref={box}
        tabIndex={0}
        aria-label="Log lines"
        onScroll={(event) => {
          const element = event.currentTarget;
          setFollow(element.scrollHeight - element.scrollTop - element.clientHeight < 40);
        }}
      >
        {shown.length === 0 && <p className="muted">No log lines{entries.length > 0 ? ' match the filters' : ' yet'}.</p>}
        {shown.map((entry, index) => (
          <div key={index} className={`log-line log-${entry.level}`}>
            <time dateTime={entry.timestamp}>{entry.timestamp.slice(11, 19)}</time> <span className="log-level">{entry.level}</span>{' '}
            {entry.step && <span className="log-step">[{entry.step}]</span>} <span className="log-event">{entry.event}</span> <span className="log-details">{details(entry)}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
