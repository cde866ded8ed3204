import { Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { AppConfig } from '../../src/config.js';
import { APP_CONFIG } from '../core/api-tokens.js';
import { resolveApiAuth } from './api-token.js';
import { AuthController } from './auth.controller.js';
import { API_AUTH } from './auth-tokens.js';
import { RequestGuardMiddleware } from './request-guard.middleware.js';

/** The API token, the sign-in routes, and the guard every request passes first. */
@Global()
@Module({
  controllers: [AuthController],
  providers: [{ provide: API_AUTH, inject: [APP_CONFIG], useFactory: (config: AppConfig) => resolveApiAuth(config) }],
  exports: [API_AUTH],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestGuardMiddleware).forRoutes('{*path}');
  }
}
