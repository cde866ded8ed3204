import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const agentWorkOrderIdSchema = z.string().regex(/^wo-[0-9a-f]{8}$/, 'must be wo- followed by 8 hex digits');

export function newAgentWorkOrderId(): string {
  return `wo-${randomBytes(4).toString('hex')}`;
}
