import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  type AddRepositoryRequest,
  addRepositoryRequestSchema,
  repositoryIdSchema,
  type UpdateRepositoryRequest,
  updateRepositoryRequestSchema,
} from '../../src/repositories/configured-repository.js';
import {
  type ConfiguredRepository,
  configuredRepositoryListSchema,
  configuredRepositorySchema,
  type RepositoryVerificationResult,
  repositoryVerificationResultSchema,
} from '../../src/models/configured-repository.js';
import { ApiConfiguredBody } from '../core/openapi.js';
import { configuredBodyPipe } from '../core/schema-validation.pipe.js';
import { workOrdersRoutePrefix } from '../work-orders/work-orders.controller.js';
import { RepositoriesService } from './repositories.service.js';

const AddRepositoryRequestPipe = configuredBodyPipe((config) => addRepositoryRequestSchema(config.GITHUB_SERVER_URL));
const idParam = { schema: repositoryIdSchema };

/** Configured repositories: the defaults (sandbox type, steps) a work order on each starts with. */
@ApiTags('repositories')
@Controller(`${workOrdersRoutePrefix}/repositories`)
export class RepositoriesController {
  constructor(private readonly repositories: RepositoriesService) {}

  @Get()
  @ApiOperation({ summary: 'Configured repositories, oldest first' })
  @ApiOkResponse({ standardSchema: configuredRepositoryListSchema })
  list(): Promise<ConfiguredRepository[]> {
    return this.repositories.list();
  }

  @Post()
  @ApiOperation({ summary: 'Configure a repository; verify (default true) asks GitHub and records its default branch' })
  @ApiConfiguredBody('AddRepositoryRequest')
  @ApiResponse({ status: 201, standardSchema: configuredRepositorySchema })
  @ApiResponse({ status: 409, description: 'the repository is already configured' })
  @ApiResponse({ status: 422, description: 'invalid body, or verification asked for and the repository is not accessible' })
  add(@Body(AddRepositoryRequestPipe) request: AddRepositoryRequest): Promise<ConfiguredRepository> {
    return this.repositories.add(request);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a configured repository's display name or defaults" })
  @ApiOkResponse({ standardSchema: configuredRepositorySchema })
  @ApiResponse({ status: 404, description: 'no such configured repository' })
  update(@Param('id', idParam) id: string, @Body({ schema: updateRepositoryRequestSchema }) update: UpdateRepositoryRequest): Promise<ConfiguredRepository> {
    return this.repositories.update(id, update);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a configured repository (its mirror and work orders are not touched)' })
  @ApiResponse({ status: 204, description: 'removed' })
  @ApiResponse({ status: 404, description: 'no such configured repository' })
  remove(@Param('id', idParam) id: string): Promise<void> {
    return this.repositories.remove(id);
  }

  @Post(':id/verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Ask GitHub again whether the repository is accessible; the answer is recorded' })
  @ApiOkResponse({ standardSchema: repositoryVerificationResultSchema })
  @ApiResponse({ status: 404, description: 'no such configured repository' })
  verify(@Param('id', idParam) id: string): Promise<RepositoryVerificationResult> {
    return this.repositories.verify(id);
  }
}
