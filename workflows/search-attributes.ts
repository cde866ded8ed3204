import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Custom search attributes: what the Temporal Web UI and `temporal workflow list --query` filter work orders by.
 * Registered on the dev server at start and by `registerSearchAttributes` on any other server.
 */
export const awoStatusKey = defineSearchAttributeKey('AwoStatus', 'KEYWORD');
export const awoPhaseKey = defineSearchAttributeKey('AwoPhase', 'KEYWORD');
export const awoRepositoryKey = defineSearchAttributeKey('AwoRepository', 'KEYWORD');
export const awoStepKey = defineSearchAttributeKey('AwoStep', 'KEYWORD');

export const workOrderSearchAttributeKeys = [awoStatusKey, awoPhaseKey, awoRepositoryKey, awoStepKey];
