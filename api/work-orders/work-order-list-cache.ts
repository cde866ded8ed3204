import type { AgentWorkOrder } from '../../src/models/work-order.js';

export interface ListCacheTimings {
  /** A page this young is answered as is. */
  freshMs: number;
  /** Older than fresh but this young: answered as is while one refresh runs behind it; older: the caller waits. */
  maxStaleMs: number;
}

/** Visibility answers in tens to hundreds of ms per page; a page 2 s old at most is what a polling UI can live with. */
export const defaultListCacheTimings: ListCacheTimings = { freshMs: 500, maxStaleMs: 2_000 };

interface Entry {
  page?: AgentWorkOrder[];
  loadedAt: number;
  loading?: Promise<AgentWorkOrder[]>;
}

/**
 * Recent list pages, one per filter, so a polled list costs one visibility read per half second whatever the number of
 * callers, and concurrent callers share one read. A change made through this API (create, prompt, cancel) drops every
 * page, and so does a work order read by id that a page shows in an older state: whoever has seen a change never gets
 * a list from before it.
 */
export class WorkOrderListCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a read started before it answers its own caller but is not kept. */
  private generation = 0;

  constructor(
    private readonly timings: ListCacheTimings = defaultListCacheTimings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async read(key: string, load: () => Promise<AgentWorkOrder[]>): Promise<AgentWorkOrder[]> {
    const entry = this.entries.get(key);
    const age = entry?.page ? this.now() - entry.loadedAt : Infinity;
    if (entry?.page && age <= this.timings.freshMs) return entry.page;
    if (entry?.page && age <= this.timings.maxStaleMs) {
      // A failed refresh leaves the page; once it is too old, a caller waits for a read and sees the error.
      if (!entry.loading) this.refresh(key, load).catch(() => undefined);
      return entry.page;
    }
    return entry?.loading ?? this.refresh(key, load);
  }

  /** Drops every page: the next list reads visibility. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** A work order read by id: pages that show it otherwise are dropped. */
  observe(workOrder: AgentWorkOrder): void {
    for (const entry of this.entries.values()) {
      const listed = entry.page?.find((row) => row.agent_work_order_id === workOrder.agent_work_order_id);
      if (listed && (listed.status !== workOrder.status || listed.updated_at !== workOrder.updated_at)) {
        this.invalidate();
        return;
      }
    }
  }

  private refresh(key: string, load: () => Promise<AgentWorkOrder[]>): Promise<AgentWorkOrder[]> {
    const generation = this.generation;
    const entry = this.entries.get(key) ?? { loadedAt: 0 };
    const loading = load().then(
      (page) => {
        if (generation === this.generation) this.entries.set(key, { page, loadedAt: this.now() });
        return page;
      },
      (error: unknown) => {
        if (generation === this.generation && this.entries.get(key)?.loading === loading) this.entries.set(key, { ...entry, loading: undefined });
        throw error;
      },
    );
    this.entries.set(key, { ...entry, loading });
    return loading;
  }
}
