import { Module } from '@nestjs/common';
import { ConfigurationStoreModule } from './configuration-store.module.js';
import { SettingsController } from './settings.controller.js';
import { SettingsApiService } from './settings.service.js';

@Module({ imports: [ConfigurationStoreModule], controllers: [SettingsController], providers: [SettingsApiService], exports: [SettingsApiService] })
export class SettingsModule {}
