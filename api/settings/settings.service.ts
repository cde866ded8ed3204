import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ClaudeCodeExecutor } from '../../src/agent/claude-executor.js';
import type { AppConfig } from '../../src/config.js';
import { GitHubClient, GitHubError } from '../../src/github/github-client.js';
import type { Logger } from '../../src/logger.js';
import { SecretDecryptionError } from '../../src/settings/secret-box.js';
import { maskToken, type SettingsUpdate } from '../../src/settings/settings-schema.js';
import type { SettingsView } from '../../src/models/settings-view.js';
import type { SettingsService } from '../../src/settings/settings-service.js';
import type { ConfigurationServices } from '../../src/settings/configuration-services.js';
import type { SettingsAuditEntry } from '../../src/store/settings-audit-table.js';
import type { RequestCaller } from '../auth/request-caller.js';
import { AuthenticationRequiredError, RequestValidationError } from '../core/api-errors.js';
import { API_LOGGER, APP_CONFIG } from '../core/api-tokens.js';
import { CONFIGURATION_ENV, CONFIGURATION_SERVICES, SETTINGS_SERVICE } from './configuration-store.module.js';
import type { ClaudeCliTest, GitHubConnectionTest, TestGitHubRequest } from './settings.dto.js';

/**
 * Settings that pick a program the service runs or a credential it uses: whoever can change them can run code on the
 * host or take over the service's GitHub identity, so only the token holder may, even on loopback.
 */
const privilegedSettings = ['claude_cli_path', 'github_token'] as const;

/** A connection test must answer while the user waits, even when GitHub hangs. */
const connectionTestTimeoutMs = 10_000;

/** Reading and saving settings, and the two connection tests; every answer masks the token. */
@Injectable()
export class SettingsApiService {
  constructor(
    @Inject(SETTINGS_SERVICE) private readonly settings: SettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(API_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(CONFIGURATION_ENV) private readonly env: NodeJS.ProcessEnv | undefined,
    @Inject(CONFIGURATION_SERVICES) private readonly services: ConfigurationServices,
  ) {}

  view(): Promise<SettingsView> {
    return this.settings.view();
  }

  async update(change: SettingsUpdate, caller: RequestCaller): Promise<SettingsView> {
    const privileged = privilegedSettings.filter((name) => change[name] !== undefined);
    if (privileged.length > 0 && caller.kind === 'anonymous') {
      throw new AuthenticationRequiredError(
        `${privileged.join(', ')}: changing the program the service runs or a credential needs the API token; send Authorization: Bearer <token> or sign in`,
      );
    }
    if (typeof change.claude_cli_path === 'string' && !(await findExecutable(change.claude_cli_path, (this.env ?? process.env).PATH ?? ''))) {
      throw new RequestValidationError([
        { field: 'claude_cli_path', message: 'must be an existing executable file (a path, or a command name found on PATH)', rule: 'executable' },
      ]);
    }
    return this.settings.update(change, caller);
  }

  /** Who changed which setting when, newest first; never a value. */
  audit(limit: number, offset: number): Promise<{ entries: SettingsAuditEntry[]; total: number }> {
    return this.services.store.settingsAudit.list(limit, offset);
  }

  /** Is GitHub's API reachable at GITHUB_API_URL, is the token valid, whose is it. Failures are answers, not errors. */
  async testGitHub(request: TestGitHubRequest): Promise<GitHubConnectionTest> {
    const base = { api_url: this.config.GITHUB_API_URL };
    let token: string | undefined;
    let tokenSource: GitHubConnectionTest['token_source'];
    if (request.github_token) {
      token = request.github_token;
      tokenSource = 'request';
    } else {
      try {
        const effective = (await this.settings.effective()).github_token;
        token = effective.value ?? undefined;
        tokenSource = effective.source;
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        return { ...base, ok: false, api_reachable: false, token_configured: true, token_source: 'stored', token: null, token_valid: null, login: null, error_message: error.message };
      }
    }
    const tokenFields = { token_configured: token !== undefined, token_source: tokenSource, token: token ? maskToken(token) : null };
    const client = new GitHubClient({ apiUrl: this.config.GITHUB_API_URL, token, requestTimeoutMs: connectionTestTimeoutMs });
    try {
      // Without a token this still tells whether the API answers (with a 401).
      const user = await client.getAuthenticatedUser();
      return { ...base, ...tokenFields, ok: true, api_reachable: true, token_valid: true, login: user.login, error_message: null };
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      const reachable = error.status !== undefined;
      const rejected = error.status === 401 || error.status === 403;
      const message = token ? error.message : `no GitHub token is configured (set GITHUB_TOKEN or save github_token); ${error.message}`;
      this.logger.info({ event: 'settings_github_test_failed', status: error.status ?? null, api_reachable: reachable }, 'settings_github_test_failed');
      return { ...base, ...tokenFields, ok: false, api_reachable: reachable, token_valid: token && rejected ? false : null, login: null, error_message: message };
    }
  }

  /** Is the Claude Code CLI at the effective path, and which version is it. */
  async testClaude(): Promise<ClaudeCliTest> {
    const { claude_cli_path: cliPath, claude_cli_model: model } = await this.settings.effective().catch(async (error: unknown) => {
      // Only the token can fail to decrypt; the CLI settings are still readable one by one.
      if (!(error instanceof SecretDecryptionError)) throw error;
      const view = await this.settings.view();
      return {
        claude_cli_path: { value: String(view.claude_cli_path.value), source: view.claude_cli_path.source },
        claude_cli_model: { value: String(view.claude_cli_model.value), source: view.claude_cli_model.source },
      };
    });
    const base = { cli_path: cliPath.value, cli_path_source: cliPath.source, model: model.value, model_source: model.source };
    const resolved = await findExecutable(cliPath.value, (this.env ?? process.env).PATH ?? '');
    if (!resolved) {
      return {
        ...base,
        ok: false,
        resolved_path: null,
        found: false,
        version: null,
        error_message: `Claude Code CLI "${cliPath.value}" was not found${cliPath.value.includes('/') ? '' : ' on PATH'} or is not executable; install it (npm install -g @anthropic-ai/claude-code) or set claude_cli_path`,
      };
    }
    try {
      const version = await new ClaudeCodeExecutor(resolved).version();
      return { ...base, ok: true, resolved_path: resolved, found: true, version, error_message: null };
    } catch (error) {
      return { ...base, ok: false, resolved_path: resolved, found: true, version: null, error_message: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** Like a shell: a path with a slash is taken as is, a bare name is looked up on PATH. */
async function findExecutable(command: string, searchPath: string): Promise<string | undefined> {
  const candidates = command.includes('/') ? [path.resolve(command)] : searchPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      const stat = await fs.stat(candidate);
      if (!stat.isFile()) continue;
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return undefined;
}
