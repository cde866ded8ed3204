import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, type SchemaObject, SwaggerModule } from '@nestjs/swagger';
import type { StandardJSONSchemaV1 } from '@standard-schema/spec';

/**
 * The OpenAPI form of a request schema, for `@ApiBody`: the body parameters are validated by a pipe built from the
 * configuration, so Nest cannot read their schema from the parameter; this converts the very same zod schema.
 */
export function openApiSchema(schema: StandardJSONSchemaV1): SchemaObject {
  return schema['~standard'].jsonSchema.input({ target: 'openapi-3.0' }) as SchemaObject;
}

/** The document and its UI at /docs (JSON at /docs-json), generated from the controllers and the zod schemas. */
export function setupOpenApi(app: INestApplication, version: string): void {
  SwaggerModule.setup('docs', app, createOpenApiDocument(app, version), { jsonDocumentUrl: 'docs-json' });
}

export function createOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Agent Work Orders')
      .setDescription('Runs Claude Code as durable Temporal workflows: sandbox, agent steps, git evidence, pull request.')
      .setVersion(version)
      .build(),
  );
}
