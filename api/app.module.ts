import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { type ApiDependencies, CoreModule } from './core/core.module.js';
import { GitHubModule } from './github/github.module.js';
import { HealthModule } from './health/health.module.js';
import { InfoModule } from './info/info.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { RepositoriesModule } from './repositories/repositories.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { WorkOrdersModule } from './work-orders/work-orders.module.js';

/** One module per area of the API; a new area (settings, repositories) is one more entry here. */
// Settings and repositories come before work orders: Express matches in registration order, and
// `GET /{agent_work_order_id}` would otherwise answer `GET /settings` and `GET /repositories`.
export const featureModules: Type[] = [AuthModule, SettingsModule, RepositoriesModule, WorkOrdersModule, GitHubModule, HealthModule, MaintenanceModule, InfoModule];

@Module({})
export class AppModule {
  static forRoot(dependencies: ApiDependencies): DynamicModule {
    return { module: AppModule, imports: [CoreModule.forRoot(dependencies), ...featureModules] };
  }
}
