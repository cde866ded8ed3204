import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';

const apiErrorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } };
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Answers every operation can give whatever its controller says, added once here so the document stays true: the
 * pipe's 422 for any path, query or body, the body parser's 400 and 413, the 503 of an unreachable dependency. Every
 * error is JSON (`ApiError`), also on routes whose success is not (the log stream).
 */
export function completeOpenApiDocument(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of methods) {
      const operation = pathItem[method] as OperationObject | undefined;
      if (!operation) continue;
      const responses = operation.responses;
      const validated = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      if (validated) responses['422'] ??= { description: 'invalid path, query or body: the errors name each field and rule' };
      if (operation.requestBody !== undefined) {
        responses['400'] ??= { description: 'the body is not JSON (an object is expected)' };
        responses['413'] ??= { description: 'the body is larger than the limit' };
      }
      responses['503'] ??= { description: 'a dependency (Temporal, GitHub, the store) is unavailable; retry later' };
      // The request guard (api/auth) answers these before any route: a foreign Host, a foreign Origin on a write, no token.
      responses['421'] ??= { description: 'the Host header names another server (not loopback, the bound address or AWO_ALLOWED_HOSTS)' };
      if (method !== 'get' && method !== 'head') responses['403'] ??= { description: 'a foreign Origin (not same-origin, not in AWO_CORS_ORIGINS) may not write' };
      responses['401'] ??= { description: 'a wrong API token, or none where the token is required (the API binds beyond loopback)' };
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400 || !response || '$ref' in response) continue;
        const answer = response as ResponseObject;
        if (!answer.content?.['application/json']) answer.content = apiErrorContent;
      }
    }
  }
}

/** The methods each documented path answers, for the 405 of any other method. */
export function documentedMethods(document: OpenAPIObject): { pattern: RegExp; methods: string[] }[] {
  return Object.entries(document.paths).map(([path, pathItem]) => ({
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: methods.filter((method) => pathItem[method] !== undefined).map((method) => method.toUpperCase()),
  }));
}
