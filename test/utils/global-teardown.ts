/** Same key as global-setup.ts; spelled out because this file must not load project modules (see global-setup.ts). */
const temporalTestServerKey = Symbol.for('agent-work-orders.temporal-test-server');

/** Stops the dev server the global setup started; a server given through TEMPORAL_TEST_ADDRESS is left running. */
export default async function globalTeardown(): Promise<void> {
  const registry = globalThis as unknown as Record<symbol, { stop(): Promise<void> } | undefined>;
  const server = registry[temporalTestServerKey];
  if (!server) return;
  delete registry[temporalTestServerKey];
  await server.stop();
}
