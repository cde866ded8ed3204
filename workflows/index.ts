// The bundle entry point the worker loads: every workflow the service runs.
export { agentWorkOrderWorkflow } from './work-order.workflow.js';
export { admissionControllerWorkflow } from './admission.workflow.js';
export { retentionCleanupWorkflow } from './retention.workflow.js';
