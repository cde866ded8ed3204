import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
// Deep import: the SDK keeps this encoder out of its index ("exported for use in tests to register search
// attributes"), and it is the only mapping from its type names to the operator service's enum.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import * as searchAttributeModule from '../../workflows/search-attributes.js';

export interface CustomSearchAttribute {
  name: string;
  type: SearchAttributeType;
}

/** gRPC ALREADY_EXISTS: a concurrent registration won the race, which is what we wanted. */
const GRPC_ALREADY_EXISTS = 6;

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const knownTypes = new Set<string>(Object.values(SearchAttributeType));

function isKeyShaped(value: unknown): value is { name: unknown; type: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'name' in value && 'type' in value;
}

/**
 * Every custom search attribute the workflows module declares, derived from its exported keys (single keys and
 * lists of keys alike), so adding a key there is all it takes to have it registered. The keys are checked at run
 * time because they reach the server as CLI flags and gRPC requests, where a bad name fails far from its cause.
 */
export function customSearchAttributes(moduleExports: Record<string, unknown> = searchAttributeModule): CustomSearchAttribute[] {
  const byName = new Map<string, CustomSearchAttribute>();
  for (const [exportName, value] of Object.entries(moduleExports)) {
    const candidates = Array.isArray(value) ? value : [value];
    for (const candidate of candidates) {
      if (!isKeyShaped(candidate)) {
        if (Array.isArray(value)) throw new Error(`search attribute export ${exportName} holds something that is not a search attribute key`);
        continue;
      }
      const { name, type } = candidate;
      if (typeof name !== 'string' || !identifier.test(name)) {
        throw new Error(`search attribute export ${exportName} has an invalid name ${JSON.stringify(name)}: must be an identifier`);
      }
      if (typeof type !== 'string' || !knownTypes.has(type)) {
        throw new Error(`search attribute ${name} has an unknown type ${JSON.stringify(type)}: must be one of ${[...knownTypes].join(', ')}`);
      }
      const existing = byName.get(name);
      if (existing && existing.type !== type) throw new Error(`search attribute ${name} is declared as both ${existing.type} and ${type}`);
      byName.set(name, { name, type: type as SearchAttributeType });
    }
  }
  return [...byName.values()];
}

function indexedValueType(type: SearchAttributeType): number {
  const encoded = encodeSearchAttributeIndexedValueType(type);
  if (encoded === undefined) throw new Error(`search attribute type ${type} has no server equivalent`);
  return encoded;
}

function typeName(indexedType: number): string {
  return [...knownTypes].find((type) => indexedValueType(type as SearchAttributeType) === indexedType) ?? `#${indexedType}`;
}

export interface SearchAttributeRegistration {
  /** Names this call added; empty when the server already had them all. */
  added: string[];
}

/**
 * Makes sure the namespace knows the work-order search attributes, for servers we did not start (the embedded dev
 * server gets them as start flags). Safe to call on every start: existing attributes of the right type are left
 * alone, and one of the wrong type is an error because visibility queries on it would silently misbehave.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: readonly CustomSearchAttribute[] = customSearchAttributes(),
): Promise<SearchAttributeRegistration> {
  // A concurrent registration (another worker starting) makes the whole batch fail with ALREADY_EXISTS and may leave
  // some attributes unadded, so look again and add what is still missing.
  for (let attempt = 1; ; attempt += 1) {
    const missing = await missingSearchAttributes(connection, namespace, attributes);
    if (Object.keys(missing).length === 0) return { added: [] };
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
      return { added: Object.keys(missing) };
    } catch (error) {
      if (!(isGrpcServiceError(error) && error.code === GRPC_ALREADY_EXISTS) || attempt >= 3) throw error;
    }
  }
}

async function missingSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: readonly CustomSearchAttribute[],
): Promise<Record<string, number>> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = listed.customAttributes ?? {};
  const missing: Record<string, number> = {};
  for (const { name, type } of attributes) {
    const wanted = indexedValueType(type);
    const current = existing[name];
    if (current === undefined) missing[name] = wanted;
    else if (Number(current) !== wanted) {
      throw new Error(`search attribute ${name} exists in namespace ${namespace} as ${typeName(Number(current))}, expected ${type}`);
    }
  }
  return missing;
}
