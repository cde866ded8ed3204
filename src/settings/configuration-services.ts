import type { AppConfig } from '../config.js';
import { GitHubClient } from '../github/github-client.js';
import type { Logger } from '../logger.js';
import { RepositoryCatalog } from '../repositories/repository-catalog.js';
import { type ConfigurationStore, openConfigurationStore } from '../store/configuration-store.js';
import { loadSecretKey, SecretBox } from './secret-box.js';
import { SettingsService } from './settings-service.js';

/** The store and the two services over it, as one process (API or worker) uses them. */
export interface ConfigurationServices {
  store: ConfigurationStore;
  settings: SettingsService;
  repositories: RepositoryCatalog;
  /** A GitHub client with the token in effect now. */
  github(): Promise<GitHubClient>;
  close(): Promise<void>;
}

/** `env` is what `config` was loaded from: it tells a variable that was set from one that took its default. */
export async function openConfigurationServices(config: AppConfig, env: NodeJS.ProcessEnv, logger?: Logger): Promise<ConfigurationServices> {
  const key = await loadSecretKey(config);
  const store = await openConfigurationStore(config, {
    onPoolError: (error) => logger?.warn({ event: 'store_connection_lost', error: error.message }, 'store_connection_lost'),
  });
  const settings = new SettingsService(store.settings, new SecretBox(key), config, env, logger);
  const github = async () => new GitHubClient({ apiUrl: config.GITHUB_API_URL, token: await settings.githubToken() });
  const repositories = new RepositoryCatalog(store.repositories, config.GITHUB_SERVER_URL, github, logger);
  logger?.debug({ event: 'store_store_opened', driver: store.driver.dialect, location: store.location }, 'store_store_opened');
  return { store, settings, repositories, github, close: () => store.close() };
}
