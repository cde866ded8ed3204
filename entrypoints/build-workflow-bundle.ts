import { writePrebuiltWorkflowBundle } from '../temporal/worker/workflow-bundle.js';

/**
 * Part of `npm run build`: the workflow bundle made once here, so workers load it instead of running webpack at every
 * start (seconds of CPU and memory the process keeps).
 */
writePrebuiltWorkflowBundle().then(
  (file) => console.log(`workflow bundle written to ${file}`),
  (error: unknown) => {
    console.error(`workflow bundle failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
