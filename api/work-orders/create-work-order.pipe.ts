import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AppConfig } from '../../src/config.js';
import { createWorkOrderRequestSchema } from '../../src/models/work-order-request.js';
import type { RepositoryCatalog } from '../../src/repositories/repository-catalog.js';
import { applyConfiguredRepositoryDefaults } from '../../src/repositories/work-order-defaults.js';
import { APP_CONFIG } from '../core/api-tokens.js';
import { validateWith } from '../core/schema-validation.pipe.js';
import { REPOSITORY_CATALOG } from '../settings/configuration-store.module.js';

/**
 * A configured repository's defaults (sandbox type, steps) fill what the body leaves out, before validation: after
 * it the schema's own defaults would hide whether the caller chose them.
 */
@Injectable()
export class CreateWorkOrderBodyPipe implements PipeTransform {
  private readonly schema: StandardSchemaV1;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REPOSITORY_CATALOG) private readonly catalog: RepositoryCatalog,
  ) {
    this.schema = createWorkOrderRequestSchema(config.GITHUB_SERVER_URL);
  }

  async transform(body: unknown): Promise<unknown> {
    return validateWith(this.schema, await applyConfiguredRepositoryDefaults(body, this.catalog), 'body');
  }
}
