import type { WorkOrderStep } from '../../client/index.js';

/** Checking a step appends it (the order is the user's); unchecking removes it and keeps the rest in order. */
export function toggleStep(steps: readonly WorkOrderStep[], step: WorkOrderStep): WorkOrderStep[] {
  return steps.includes(step) ? steps.filter((candidate) => candidate !== step) : [...steps, step];
}

/** Swaps the step at `index` with its neighbour `by` (-1 earlier, 1 later); out of range leaves the order alone. */
export function moveStep(steps: readonly WorkOrderStep[], index: number, by: -1 | 1): WorkOrderStep[] {
  const target = index + by;
  if (index < 0 || index >= steps.length || target < 0 || target >= steps.length) return [...steps];
  const moved = [...steps];
  [moved[index], moved[target]] = [moved[target]!, moved[index]!];
  return moved;
}
