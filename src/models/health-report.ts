import { z } from 'zod';

const dependencyHealthSchema = z.object({
  healthy: z.boolean(),
  /** What was found (a version, a poller count) or why it is unhealthy. */
  detail: z.string(),
});
export type DependencyHealth = z.infer<typeof dependencyHealthSchema>;

export const healthReportSchema = z
  .object({
    status: z.enum(['healthy', 'degraded']),
    service: z.string(),
    version: z.string(),
    dependencies: z.object({ temporal: dependencyHealthSchema, worker: dependencyHealthSchema, claude_cli: dependencyHealthSchema, git: dependencyHealthSchema }),
    /** One line per unhealthy dependency; empty when healthy. */
    reasons: z.array(z.string()),
  })
  .meta({ id: 'HealthReport' });
export type HealthReport = z.infer<typeof healthReportSchema>;
