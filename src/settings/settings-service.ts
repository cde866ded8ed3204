import type { AppConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { SettingSource, SettingsView, SettingView } from '../models/settings-view.js';
import { type BudgetLimitName, type BudgetLimits, budgetLimitNames } from '../models/work-order-budget.js';
import type { SettingsActor } from '../store/settings-audit-table.js';
import type { SettingsTable, StoredSettingRow } from '../store/settings-table.js';
import { type SecretBox, SecretDecryptionError } from './secret-box.js';
import {
  maskToken,
  type SettingName,
  settingDefaults,
  settingNames,
  type Settings,
  settingsSchema,
  type SettingsUpdate,
  settingsUpdateSchema,
  settingVariables,
  secretSettings,
} from './settings-schema.js';


export interface EffectiveSetting<T> {
  value: T;
  source: SettingSource;
}
/** The value each setting has now; only the GitHub token and the budget limits may be absent. */
export type EffectiveSettings = { [K in SettingName]: EffectiveSetting<K extends 'github_token' | BudgetLimitName ? Settings[K] | null : Settings[K]> };


/** What the worker needs per activity call: read fresh each time, so a saved setting applies to the next work order. */
export interface SettingsReader {
  githubToken(): Promise<string | undefined>;
  agentSettings(): Promise<{ model: string; cliPath: string }>;
  /** The global admission limit in force for the next work order. */
  maxConcurrent(): Promise<number>;
  retentionDays(): Promise<number>;
}

/** A stored value that no longer passes its rule (or is not JSON): refused rather than run with. */
export class StoredValueInvalidError extends Error {
  override name = 'StoredValueInvalidError';
}

/**
 * Effective settings: the environment variable if set, else the stored value, else the default. Used by the API (view
 * and change them) and by the worker (read them per call). Secrets are sealed before they are stored and never leave
 * this class whole except through `githubToken()` / `effective()`, which the worker needs to push.
 */
export class SettingsService implements SettingsReader {
  constructor(
    private readonly table: SettingsTable,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    /** The environment `config` was loaded from: it says which variables were actually set, as opposed to defaulted. */
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger?: Logger,
  ) {}

  /** Every setting's value and source. Throws SecretDecryptionError when a stored secret that is in effect cannot be opened. */
  async effective(): Promise<EffectiveSettings> {
    const rows = await this.rowsByKey();
    return Object.fromEntries(settingNames.map((name) => [name, this.resolve(name, rows)])) as EffectiveSettings;
  }

  /** One setting's value, e.g. `value('agent_timeout_seconds')` when a work order is created. */
  async value<K extends SettingName>(name: K): Promise<EffectiveSettings[K]['value']> {
    return this.resolve(name, await this.rowsByKey()).value as EffectiveSettings[K]['value'];
  }

  async githubToken(): Promise<string | undefined> {
    return (await this.value('github_token')) ?? undefined;
  }

  async maxConcurrent(): Promise<number> {
    return this.value('max_concurrent');
  }

  async retentionDays(): Promise<number> {
    return this.value('retention_days');
  }

  /** The limits a new work order gets where its request sets none. */
  async budgetDefaults(): Promise<BudgetLimits> {
    const rows = await this.rowsByKey();
    return Object.fromEntries(budgetLimitNames.map((name) => [name, this.resolve(name, rows).value ?? null])) as BudgetLimits;
  }

  async agentSettings(): Promise<{ model: string; cliPath: string }> {
    const rows = await this.rowsByKey();
    return { model: this.resolve('claude_cli_model', rows).value as string, cliPath: this.resolve('claude_cli_path', rows).value as string };
  }

  /** For responses: never throws for a bad stored value, reports it in `error` instead, and masks secrets. */
  async view(): Promise<SettingsView> {
    const rows = await this.rowsByKey();
    return Object.fromEntries(
      settingNames.map((name): [SettingName, SettingView] => {
        const envVariable = this.envVariable(name);
        const base = { env_variable: envVariable ?? settingVariables[name].variables[0]!, stored: rows.has(name) };
        let resolved: EffectiveSetting<unknown>;
        let error: string | null = null;
        try {
          resolved = this.resolve(name, rows);
          // An overridden stored value is not opened above; still say when it could not be.
          if (resolved.source === 'env' && rows.has(name)) this.readStored(name, rows.get(name)!);
        } catch (failure) {
          if (!(failure instanceof SecretDecryptionError || failure instanceof StoredValueInvalidError)) throw failure;
          error = failure.message;
          resolved = envVariable ? { value: settingVariables[name].fromConfig(this.config), source: 'env' } : { value: null, source: 'stored' };
        }
        const raw = resolved.value as string | number | null;
        const value = secretSettings.has(name) && typeof raw === 'string' ? maskToken(raw) : raw;
        return [name, { value, source: resolved.source, ...base, error }];
      }),
    ) as SettingsView;
  }

  /**
   * Saves a validated change (null clears a stored value) in one transaction and returns the new view. With an actor,
   * the audit log records who changed which setting, in the same transaction.
   */
  async update(change: SettingsUpdate, actor?: SettingsActor): Promise<SettingsView> {
    // Validated here too: the service is also called from code, not only behind the API's 422.
    const parsed = settingsUpdateSchema.parse(change);
    const set: Array<{ key: string; value: string; encrypted: boolean }> = [];
    const clear: string[] = [];
    for (const name of settingNames) {
      const value = parsed[name];
      if (value === undefined) continue;
      if (value === null) {
        clear.push(name);
        continue;
      }
      const json = JSON.stringify(value);
      set.push(secretSettings.has(name) ? { key: name, value: this.box.seal(json, name), encrypted: true } : { key: name, value: json, encrypted: false });
    }
    if (set.length > 0 || clear.length > 0) await this.table.apply({ set, clear }, undefined, actor);
    // Names only: values (and certainly the token) stay out of the log.
    this.logger?.info({ event: 'settings_settings_updated', set: set.map((entry) => entry.key), cleared: clear }, 'settings_settings_updated');
    return this.view();
  }

  private async rowsByKey(): Promise<Map<string, StoredSettingRow>> {
    return new Map((await this.table.list()).map((row) => [row.key, row]));
  }

  private envVariable(name: SettingName): string | undefined {
    return settingVariables[name].variables.find((variable) => (this.env[variable] ?? '') !== '');
  }

  private resolve(name: SettingName, rows: Map<string, StoredSettingRow>): EffectiveSetting<unknown> {
    if (this.envVariable(name)) return { value: settingVariables[name].fromConfig(this.config) ?? null, source: 'env' };
    const row = rows.get(name);
    if (row) return { value: this.readStored(name, row), source: 'stored' };
    return { value: settingDefaults[name], source: 'default' };
  }

  private readStored(name: SettingName, row: StoredSettingRow): unknown {
    const text = row.encrypted ? this.box.open(row.value, name) : row.value;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new StoredValueInvalidError(`stored value of ${name} is not valid JSON; save it again`);
    }
    const checked = settingsSchema.shape[name].safeParse(value);
    // A rule tightened since the value was saved: refuse it loudly rather than run with it.
    if (!checked.success) throw new StoredValueInvalidError(`stored value of ${name} is no longer valid (${checked.error.issues[0]?.message}); save it again`);
    return checked.data;
  }
}
