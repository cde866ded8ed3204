import { z } from 'zod';
import { repositoryUrlSchema, requestSandboxTypeSchema, selectedCommandsSchema } from '../models/work-order-request.js';
import { type ApprovalMode, approvalModeSchema, defaultSelectedCommands } from '../models/work-order.js';

const displayNameSchema = z
  .string({ message: 'must be a string' })
  .regex(/\S/, 'must not be empty')
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .nullable();

/** `POST .../repositories`; the URL rule depends on GITHUB_SERVER_URL, hence a factory. */
export function addRepositoryRequestSchema(serverUrl: string) {
  return z.strictObject(
    {
      repository_url: repositoryUrlSchema(serverUrl),
      display_name: displayNameSchema.optional(),
      default_sandbox_type: requestSandboxTypeSchema.default('git_worktree'),
      default_commands: selectedCommandsSchema.default([...defaultSelectedCommands]),
      default_approval: approvalModeSchema.default('none'),
      /** Ask GitHub (with the effective token) whether the repository is reachable, and take its default branch. */
      verify: z.boolean({ message: 'must be true or false' }).default(true),
    },
    { message: 'must be a JSON object' },
  );
}
/** Callers inside the service may leave the approval default out, as stores written before it existed did. */
export type AddRepositoryRequest = Omit<z.output<ReturnType<typeof addRepositoryRequestSchema>>, 'default_approval'> & { default_approval?: ApprovalMode };

/** `PATCH .../repositories/{id}`: the defaults and the display name; the URL is the identity and does not change. */
export const updateRepositoryRequestSchema = z
  .strictObject(
    {
      display_name: displayNameSchema.optional(),
      default_sandbox_type: requestSandboxTypeSchema.optional(),
      default_commands: selectedCommandsSchema.optional(),
      default_approval: approvalModeSchema.optional(),
    },
    { message: 'must be a JSON object' },
  )
  .refine((update) => Object.values(update).some((value) => value !== undefined), {
    message: 'give at least one of display_name, default_sandbox_type, default_commands, default_approval',
  })
  .meta({ minProperties: 1 });
export type UpdateRepositoryRequest = z.output<typeof updateRepositoryRequestSchema>;

export const repositoryIdSchema = z.uuid({ message: 'must be a repository id (a UUID)' });
