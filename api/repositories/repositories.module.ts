import { Module } from '@nestjs/common';
import { ConfigurationStoreModule } from '../settings/configuration-store.module.js';
import { RepositoriesController } from './repositories.controller.js';
import { RepositoriesService } from './repositories.service.js';

@Module({ imports: [ConfigurationStoreModule], controllers: [RepositoriesController], providers: [RepositoriesService] })
export class RepositoriesModule {}
