import { z } from 'zod';
import { type SettingName, settingNames } from '../settings/settings-schema.js';

export const settingSourceSchema = z.enum(['env', 'stored', 'default']);
export type SettingSource = z.infer<typeof settingSourceSchema>;

/** One setting as the API shows it: secrets masked, with where the value came from and why a stored one is unusable. */
export const settingViewSchema = z
  .object({
    value: z.union([z.string(), z.number()]).nullable().meta({ description: 'the value in effect; the GitHub token masked (ghp_…abcd)' }),
    source: settingSourceSchema,
    /** The environment variable that overrides this setting when set. */
    env_variable: z.string(),
    /** Whether a value is stored (it may be overridden by the environment). */
    stored: z.boolean(),
    /** Why the stored value cannot be used (undecryptable, no longer valid); null when it can. */
    error: z.string().nullable(),
  })
  .meta({ id: 'SettingView' });
export type SettingView = z.infer<typeof settingViewSchema>;

export const settingsViewSchema = z
  .object(Object.fromEntries(settingNames.map((name) => [name, settingViewSchema])) as Record<SettingName, typeof settingViewSchema>)
  .meta({ id: 'Settings' });
export type SettingsView = z.infer<typeof settingsViewSchema>;
