import { z } from 'zod';

const dependencyHealthSchema = z.object({
  healthy: z.boolean(),
  /** What was found (a version, a poller count) or why it is unhealthy. */
  detail: z.string(),
});
export type DependencyHealth = z.infer<typeof dependencyHealthSchema>;

export const healthReportSchema = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']).meta({
      description: 'unhealthy (HTTP 503): Temporal is unreachable, no work order can run or be read; degraded (200): some may fail, see reasons',
    }),
    service: z.string(),
    version: z.string(),
    dependencies: z.object({
      temporal: dependencyHealthSchema,
      worker: dependencyHealthSchema,
      claude_cli: dependencyHealthSchema,
      git: dependencyHealthSchema,
      /** The data folders of this host can be written (a read-only mount fails every work order). */
      home: dependencyHealthSchema,
      /** Whether the polling workers run their agents as a user of their own, unable to read the workers' secrets. */
      agent_isolation: dependencyHealthSchema,
    }),
    /** One line per unhealthy dependency or missing credential that would stop real work; empty when healthy. */
    reasons: z.array(z.string()),
  })
  .meta({ id: 'HealthReport' });
export type HealthReport = z.infer<typeof healthReportSchema>;
