import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JARS, type World, connectorYaml, startWorld } from '../support/world.js';

/** Two jobs split the targets between them; each keeps (and reads) only its own record. */
describe('jobs that split targets between them', () => {
  let world: World;
  const jobA = { definitions: 'team-a/**/*.yaml', 'workspace-id': 'ws-a', namespace: 'default' };
  const jobB = { definitions: 'team-b/**/*.yaml', 'workspace-id': 'ws-b', namespace: 'default' };

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'team-a/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }),
      'team-b/mysql.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql }),
    });
  });
  afterAll(async () => {
    await world.close();
  });

  it('never plan or delete what the other job applied', async () => {
    expect((await world.apply({ inputs: jobA })).exitCode).toBe(0);
    expect((await world.apply({ inputs: jobB, sha: 'e'.repeat(40) })).exitCode).toBe(0);
    expect(world.emulator.connectors('ws-a', 'default').map((c) => c.name)).toEqual(['kafka-orders']);
    expect(world.emulator.connectors('ws-b', 'default').map((c) => c.name)).toEqual(['mysql-cdc']);

    world.emulator.resetStats();
    const planA = await world.plan({ inputs: jobA });
    expect(planA.exitCode).toBe(0);
    expect(planA.stdout).toContain('No changes.');
    expect(planA.stdout).not.toContain('ws-b');
    // One list: job A's own target only.
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });

    const applyA = await world.apply({ inputs: jobA, sha: 'f'.repeat(40) });
    expect(applyA.exitCode).toBe(0);
    expect(world.emulator.connectors('ws-b', 'default').map((c) => c.name)).toEqual(['mysql-cdc']);
  });
});

describe('reading the record', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, description: 'v0' }),
      'connectors/other.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql, namespace_name: 'analytics' }),
    });
  });
  afterAll(async () => {
    await world.close();
  });

  it('costs one GitHub call per target, however long the history', async () => {
    // Several applies (a description change each time) build a history of records.
    for (let n = 1; n <= 4; n++) {
      await world.write({
        'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, description: `v${n}` }),
      });
      expect((await world.apply({ sha: String(n).repeat(40) })).exitCode).toBe(0);
    }
    const before = world.github.requests().length;
    const plan = await world.plan();
    expect(plan.stdout).toContain('No changes.');
    const reads = world.github.requests().slice(before).filter((r) => r.method === 'GET' && r.path.includes('/deployments'));
    // One per target, and one for the scope's index of targets.
    expect(reads).toHaveLength(3);

    // A target whose definitions are all gone is still found through the other target's record.
    await world.remove('connectors/other.yaml');
    const removal = await world.plan();
    expect(removal.stdout).toContain('Plan: 0 to register, 0 to replace, 1 to delete.');
    expect(removal.stdout).toContain('mysql-cdc');
  });
});
