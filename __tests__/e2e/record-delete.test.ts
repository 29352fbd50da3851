import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveConnector } from '../../src/model.js';
import { environmentOf, errorsOf, explain, latestRecord, liveNames, planLineOf, recordDeployments, recordedConnectors, sha } from '../support/record.js';
import { aLiveConnector } from '../support/connectors.js';
import { JARS, NS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

/** A connector someone registered in the console: live, never declared, never recorded. */
const CONSOLE: LiveConnector = aLiveConnector({ name: 'console-events', source: true, supportedFormats: ['json'] });

const FILES = {
  'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }),
  'connectors/http.yaml': connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http }),
  'connectors/mysql.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql }),
};

describe('the record is the managed set: removed files, moves, unmanaged connectors, allow-deletes', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    world.emulator.seed(WS, NS, [CONSOLE]);
    await world.write(FILES);
    const run = await world.apply({ sha: sha('1') });
    if (run.exitCode !== 0) throw new Error(explain(run));
  });

  afterAll(async () => {
    await world.close();
  });

  it('starts with three recorded connectors and the console one left unmanaged', () => {
    expect(liveNames(world)).toEqual(['console-events', 'http-lookup', 'kafka-orders', 'mysql-cdc']);
    expect(Object.keys(recordedConnectors(world)).sort()).toEqual(['http-lookup', 'kafka-orders', 'mysql-cdc']);
  });

  it('renaming a file changes nothing: the record is keyed by connector, not by file', async () => {
    await world.remove('connectors/http.yaml');
    await world.write({ 'connectors/lookups/http-lookup.yaml': FILES['connectors/http.yaml'] });
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('No changes.');
    expect(plan.stdout).toContain('? unmanaged console-events (type console-events) — declared in no definition; left alone');
  });

  it('a removed file: the plan names the delete and why, the apply deletes it and reports its tables', async () => {
    await world.remove('connectors/mysql.yaml');
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 0 to register, 0 to replace, 1 to delete.');
    expect(plan.stdout).toContain(
      '- delete mysql-cdc (type mysql-cdc) — applied by this action before, but no longer declared in any definition (file removed, or the connector moved)',
    );
    expect(plan.stdout).toContain('? unmanaged console-events');
    expect(plan.summary).toContain('mysql-cdc');
    expect(plan.summary).toContain('no longer declared');
    const json = JSON.parse(plan.outputs['plan-json'] ?? '{}') as { summary: { delete: number } };
    expect(json.summary.delete).toBe(1);
    expect(liveNames(world)).toContain('mysql-cdc');

    world.emulator.resetStats();
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(run.stdout).toContain('tables built on it: vvp.inventory.products_cdc');
    expect(world.emulator.stats().calls.DeleteCustomConnector).toBe(1);
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBeUndefined();
    expect(liveNames(world)).toEqual(['console-events', 'http-lookup', 'kafka-orders']);
    expect(Object.keys(recordedConnectors(world)).sort()).toEqual(['http-lookup', 'kafka-orders']);
    expect(latestRecord(world).statuses[0]?.state).toBe('success');

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
  });

  it('allow-deletes: false fails a plan and an apply that delete, listing the delete, and changes nothing', async () => {
    await world.remove('connectors/lookups/http-lookup.yaml');
    const deployments = recordDeployments(world).length;
    world.emulator.resetStats();

    const plan = await world.plan({ inputs: { 'allow-deletes': 'false' } });
    expect(plan.exitCode, explain(plan)).toBe(1);
    expect(plan.outputs.result).toBe('failed');
    expect(errorsOf(plan).join('\n')).toContain(`allow-deletes is false, but the plan deletes 1 connector: http-lookup in ${WS}/${NS}`);

    const apply = await world.apply({ sha: sha('3'), inputs: { 'allow-deletes': 'false' } });
    expect(apply.exitCode, explain(apply)).toBe(1);
    expect(apply.outputs.result).toBe('failed');
    expect(errorsOf(apply).join('\n')).toContain(`http-lookup in ${WS}/${NS}`);

    // The plan read who uses the connector it would delete, and so did the apply (protect-in-use).
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 2, ListDeployments: 2, GetCatalogs: 2 });
    expect(liveNames(world)).toEqual(['console-events', 'http-lookup', 'kafka-orders']);
    expect(recordDeployments(world)).toHaveLength(deployments);

    await world.write({ 'connectors/lookups/http-lookup.yaml': FILES['connectors/http.yaml'] });
    const back = await world.plan({ inputs: { 'allow-deletes': 'false' } });
    expect(back.exitCode, explain(back)).toBe(0);
    expect(planLineOf(back)).toBe('No changes.');
  });

  it('moving a connector to another namespace deletes the old one and registers the new one', async () => {
    await world.write({
      'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, namespace_name: 'analytics' }),
    });
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 1 to register, 0 to replace, 1 to delete.');
    expect(plan.stdout).toMatch(new RegExp(`Target ${WS}/analytics:\\n\\s+\\+ register kafka-orders`));
    expect(plan.stdout).toContain('- delete kafka-orders (type kafka-orders) — applied by this action before, but no longer declared');

    world.emulator.resetStats();
    const run = await world.apply({ sha: sha('4') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(world.emulator.stats().calls.DeleteCustomConnector).toBe(1);
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(1);
    expect(liveNames(world)).toEqual(['console-events', 'http-lookup']);
    expect(liveNames(world, WS, 'analytics')).toEqual(['kafka-orders']);

    expect(Object.keys(recordedConnectors(world)).sort()).toEqual(['http-lookup']);
    const moved = latestRecord(world, environmentOf(WS, 'analytics'));
    expect(moved.ref).toBe(sha('4'));
    expect(recordedConnectors(world, environmentOf(WS, 'analytics'))).toEqual({
      'kafka-orders': { jarUrl: JARS.kafkaV1, type: 'kafka-orders', commit: sha('4') },
    });

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
    expect(liveNames(world)).toContain('console-events');
  });
});
