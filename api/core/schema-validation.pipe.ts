import { type ArgumentMetadata, Inject, Injectable, type PipeTransform, type Type } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AppConfig } from '../../src/config.js';
import { RequestValidationError } from './api-errors.js';
import { APP_CONFIG } from './api-tokens.js';
import { toFieldIssues } from './schema-issues.js';

/**
 * Validates every parameter that declares a schema (`@Query({ schema })`, `@Param('id', { schema })`, `@Body({ schema })`)
 * and throws a RequestValidationError naming each field: the filter answers 422 with them. The value the schema
 * returns (defaults, coercions) is what the handler gets.
 */
@Injectable()
export class SchemaValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const schema = (metadata as ArgumentMetadata & { schema?: StandardSchemaV1 }).schema;
    if (!schema || metadata.type === 'custom') return value;
    return validateWith(schema, value, typeof metadata.data === 'string' ? metadata.data : metadata.type);
  }
}

/**
 * A body pipe for schemas that depend on the configuration (a repository URL must be on GITHUB_SERVER_URL's host):
 * the schema is built once, when Nest creates the pipe with the configuration injected.
 */
export function configuredBodyPipe(buildSchema: (config: AppConfig) => StandardSchemaV1): Type<PipeTransform> {
  @Injectable()
  class ConfiguredBodyPipe implements PipeTransform {
    private readonly schema: StandardSchemaV1;

    constructor(@Inject(APP_CONFIG) config: AppConfig) {
      this.schema = buildSchema(config);
    }

    transform(value: unknown): Promise<unknown> {
      return validateWith(this.schema, value, 'body');
    }
  }
  return ConfiguredBodyPipe;
}

/** Validates one value; a failure names every field under `root` for the 422 body. */
export async function validateWith(schema: StandardSchemaV1, value: unknown, root: string): Promise<unknown> {
  const result = await schema['~standard'].validate(value);
  if (result.issues) throw new RequestValidationError(toFieldIssues(result.issues, root));
  return result.value;
}
