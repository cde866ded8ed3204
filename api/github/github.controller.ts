import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '../../src/config.js';
import { type RepositoryVerification, repositoryVerificationSchema } from '../../src/models/repository-verification.js';
import { parseRepositoryUrl } from '../../src/github/repository-url.js';
import { type VerifyRepositoryRequest, verifyRepositoryRequestSchema } from '../../src/models/work-order-request.js';
import type { ConfigurationServices } from '../../src/settings/configuration-services.js';
import { APP_CONFIG } from '../core/api-tokens.js';
import { CONFIGURATION_SERVICES } from '../settings/configuration-store.module.js';
import { ApiConfiguredBody } from '../core/openapi.js';
import { configuredBodyPipe } from '../core/schema-validation.pipe.js';
import { workOrdersRoutePrefix } from '../work-orders/work-orders.controller.js';

const VerifyRepositoryRequestPipe = configuredBodyPipe((config) => verifyRepositoryRequestSchema(config.GITHUB_SERVER_URL));

@ApiTags('github')
@Controller(`${workOrdersRoutePrefix}/github`)
export class GitHubController {
  constructor(
    // The token in effect now: the environment's, else one saved through the settings routes.
    @Inject(CONFIGURATION_SERVICES) private readonly configuration: ConfigurationServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('verify-repository')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Check that the configured token can see a repository' })
  @ApiConfiguredBody('VerifyRepositoryRequest')
  @ApiOkResponse({ standardSchema: repositoryVerificationSchema })
  @ApiResponse({ status: 422, description: 'the URL is not a repository URL on GITHUB_SERVER_URL' })
  async verifyRepository(@Body(VerifyRepositoryRequestPipe) request: VerifyRepositoryRequest): Promise<RepositoryVerification> {
    const github = await this.configuration.github();
    return github.verifyRepository(parseRepositoryUrl(request.repository_url, this.config.GITHUB_SERVER_URL));
  }
}
