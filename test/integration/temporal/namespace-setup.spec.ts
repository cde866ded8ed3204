import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { prepareNamespace } from '../../../temporal/server/namespace-setup.js';
import { customSearchAttributes } from '../../../temporal/server/search-attributes-registration.js';
import { testTemporalAddress } from '../../utils/temporal-env.js';
import { connectionOptions } from '../../../temporal/client/connection.js';

describe('prepareNamespace (compose setup) against a real Temporal server', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await Connection.connect(connectionOptions(testTemporalAddress()));
  });
  afterAll(async () => {
    await connection.close();
  });

  it('registers a missing namespace with its retention and the search attributes, then finds nothing left to do', async () => {
    const namespace = `awo-setup-${randomUUID().slice(0, 8)}`;
    const first = await prepareNamespace(connection, namespace, { retentionDays: 30, timeoutMs: 60_000 });
    expect(first.namespaceCreated).toBe(true);
    expect(first.added.sort()).toEqual(customSearchAttributes().map(({ name }) => name).sort());

    const described = await connection.workflowService.describeNamespace({ namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 24 * 3600);

    expect(await prepareNamespace(connection, namespace, { retentionDays: 30 })).toEqual({ namespaceCreated: false, added: [] });
  });
});
