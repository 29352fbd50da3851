/** The emulated deployments and catalog tables, read through the real client over signed HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import { CloudError } from '../../src/ververica/errors.js';
import { clientFor, startCatalogEmulator } from '../support/cloud.js';

const target = { workspaceId: 'ws-usage', namespace: 'ns-1' };
let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startCatalogEmulator();
  const response = await fetch(`${emulator.url}/__emulator/usage`, {
    method: 'POST',
    body: JSON.stringify({
      ...target,
      deployments: Array.from({ length: 120 }, (_, i) => ({ name: `job-${i}`, running: i % 2, sql: `SELECT ${i}` })).concat([{ name: 'jar', kind: 'JAR', running: 1 } as never]),
      tables: [
        { table: 'vvp.default.orders', connector: 'kafka-orders' },
        { table: 'hive.dw.users' },
      ],
    }),
  });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await emulator.close();
});

describe('deployments and catalogs in the emulator', () => {
  it('pages ListDeployments and counts every deployment', async () => {
    const api = clientFor(emulator);
    const first = await api.listDeployments(target, 1, 100);
    const second = await api.listDeployments(target, 2, 100);
    expect(first.totalSize).toBe(121);
    expect(first.deployments).toHaveLength(100);
    expect(second.deployments.map((d) => d.name)).toContain('jar');
    expect(first.deployments[3]).toMatchObject({ name: 'job-3', artifact: { kind: 'SQLSCRIPT', sqlArtifact: { sqlScript: 'SELECT 3' } }, jobSummary: { running: 1 } });
  });

  it('walks catalogs, databases and tables, with the connector each table is built on', async () => {
    const api = clientFor(emulator);
    expect(await api.getCatalogs(target)).toEqual(['hive', 'vvp']);
    expect(await api.getDatabases(target, 'hive')).toEqual(['dw']);
    expect(await api.getTables(target, 'vvp', 'default')).toEqual([{ name: 'orders', connector: 'kafka-orders' }]);
    expect(await api.getTables(target, 'hive', 'dw')).toEqual([{ name: 'users', connector: undefined }]);
  });

  it('checks signatures and injects faults on these reads like on the others', async () => {
    await expect(clientFor(emulator, { secret: 'wrong-Secret-000000' }).getCatalogs(target)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    emulator.injectFault({ action: 'GetTables', kind: 'http', status: 403, code: 'Forbidden' });
    const error = await clientFor(emulator).getTables(target, 'vvp', 'default').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudError);
    expect(error).toMatchObject({ statusCode: 403, action: 'GetTables' });
  });
});
