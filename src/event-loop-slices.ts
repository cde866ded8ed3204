import { setImmediate } from 'node:timers/promises';

/**
 * Rows a long piece of work (decoding or serializing a list page) handles before it lets the event loop answer other
 * requests: about a few milliseconds of work on a loaded machine, so a page of 1,000 never holds a GET for 100 ms.
 */
export const rowsPerSlice = 50;

/** Lets I/O callbacks (other requests) run before the work goes on. */
export function nextTurn(): Promise<void> {
  return setImmediate();
}

/** `map` in slices of `rowsPerSlice`, letting other requests in between. */
export async function mapInSlices<T, R>(items: readonly T[], map: (item: T) => R): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += rowsPerSlice) {
    if (start > 0) await nextTurn();
    for (const item of items.slice(start, start + rowsPerSlice)) results.push(map(item));
  }
  return results;
}
