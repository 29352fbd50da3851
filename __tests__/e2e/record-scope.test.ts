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
