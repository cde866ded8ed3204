import type { INestApplication } from '@nestjs/common';
import { ApiBody, DocumentBuilder, type OpenAPIObject, type SchemaObject, SwaggerModule } from '@nestjs/swagger';
import type { StandardJSONSchemaV1 } from '@standard-schema/spec';
import type { AppConfig } from '../../src/config.js';
import { apiErrorSchema } from '../../src/models/api-error.js';
import { approvalDecisionSchema } from '../../src/models/plan-approval.js';
import { createWorkOrderRequestSchema, verifyRepositoryRequestSchema } from '../../src/models/work-order-request.js';
import { addRepositoryRequestSchema } from '../../src/repositories/configured-repository.js';
import { completeOpenApiDocument } from './openapi-completion.js';

/**
 * The OpenAPI form of a request schema, for `@ApiBody`: the body parameters are validated by a pipe, so Nest cannot
 * read their schema from the parameter; this converts the very same zod schema.
 */
export function openApiSchema(schema: StandardJSONSchemaV1): SchemaObject {
  return schema['~standard'].jsonSchema.input({ target: 'openapi-3.0' }) as SchemaObject;
}

/**
 * Request bodies whose rules depend on the configuration (a repository URL must be on GITHUB_SERVER_URL's host): the
 * document is built at start-up, so it carries the rule of the server it describes, from the same schema the pipe uses.
 */
const configuredRequestSchemas = {
  CreateWorkOrderRequest: (config: AppConfig) => createWorkOrderRequestSchema(config.GITHUB_SERVER_URL),
  VerifyRepositoryRequest: (config: AppConfig) => verifyRepositoryRequestSchema(config.GITHUB_SERVER_URL),
  AddRepositoryRequest: (config: AppConfig) => addRepositoryRequestSchema(config.GITHUB_SERVER_URL),
} satisfies Record<string, (config: AppConfig) => StandardJSONSchemaV1>;

/** `@ApiBody` for a body whose schema is built from the configuration when the document is. */
export function ApiConfiguredBody(name: keyof typeof configuredRequestSchemas): MethodDecorator {
  return ApiBody({ schema: { $ref: `#/components/schemas/${name}` } });
}

/**
 * A refinement ("give either a or b, not both") has no JSON Schema of its own: the document says it as two closed
 * variants, one without each field, which clients and fuzzers can read (a `not` they mostly cannot).
 */
function eitherField(schema: SchemaObject, first: string, second: string): SchemaObject {
  const without = (field: string): SchemaObject => ({ ...schema, properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([name]) => name !== field)) });
  return { anyOf: [without(first), without(second)] };
}

/**
 * Plan approval needs a planning step: the default steps and both presets have one, a list of steps must name it. The
 * variant that gives steps is split in two: without approval any steps, with it steps that are not all other steps.
 */
function approvalNeedsPlanning(schema: SchemaObject): SchemaObject {
  const variants = (schema.anyOf ?? [schema]) as SchemaObject[];
  return {
    anyOf: variants.flatMap((variant) => {
      const steps = variant.properties?.selected_commands as SchemaObject | undefined;
      if (!steps) return [variant];
      const withoutApproval: SchemaObject = { ...variant, properties: { ...variant.properties, approval: { type: 'string', enum: ['none'] } } };
      const withApproval: SchemaObject = {
        ...variant,
        required: [...(variant.required ?? []), 'approval', 'selected_commands'],
        properties: { ...variant.properties, approval: { type: 'string', enum: ['plan'] }, selected_commands: { ...steps, not: { items: { not: { enum: ['planning'] } } } } },
      };
      return [withoutApproval, withApproval];
    }),
  };
}

/** An edit carries the plan; approve and reject do not. */
function approvalDecisionDocument(): SchemaObject {
  const schema = openApiSchema(approvalDecisionSchema);
  const { plan, ...others } = schema.properties ?? {};
  return {
    anyOf: [
      { ...schema, required: ['decision'], properties: { ...others, decision: { type: 'string', enum: ['approve', 'reject'] } } },
      { ...schema, required: ['decision', 'plan'], properties: { ...others, plan: plan!, decision: { type: 'string', enum: ['edit'] } } },
    ],
  };
}

/** The document and its UI at /docs (JSON at /docs-json), generated from the controllers and the zod schemas. */
export function setupOpenApi(app: INestApplication, version: string, config: AppConfig): OpenAPIObject {
  const document = createOpenApiDocument(app, version, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

/** The whole document: the controllers' routes, the configured request schemas, and every answer made explicit. */
export function createOpenApiDocument(app: INestApplication, version: string, config: AppConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Agent Work Orders')
      .setDescription('Runs Claude Code as durable Temporal workflows: sandbox, agent steps, git evidence, pull request.')
      .setVersion(version)
      .build(),
  );
  const schemas = (document.components ??= {}).schemas ??= {};
  for (const [name, build] of Object.entries(configuredRequestSchemas)) schemas[name] = openApiSchema(build(config));
  schemas.CreateWorkOrderRequest = approvalNeedsPlanning(eitherField(schemas.CreateWorkOrderRequest as SchemaObject, 'selected_commands', 'workflow_type'));
  schemas.ApprovalDecision = approvalDecisionDocument();
  schemas.ApiError ??= apiErrorSchema['~standard'].jsonSchema.output({ target: 'openapi-3.0' }) as SchemaObject;
  completeOpenApiDocument(document);
  return document;
}
