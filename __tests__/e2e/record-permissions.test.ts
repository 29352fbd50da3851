import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorsOf, explain, liveNames, recordDeployments, recordedConnectors, sha } from '../support/record.js';
import { JARS, type World, connectorYaml, startWorld } from '../support/world.js';

const deploymentRequests = (world: World): string[] =>
  world.github
    .requests()
    .filter((r) => r.path.includes('/deployments'))
    .map((r) => `${r.method} ${r.path} ${r.status}`);

describe('the record needs the deployments permission', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/http.yaml': connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true }),
    });
  });

  afterAll(async () => {
    await world.close();
  });

  beforeEach(() => {
    world.github.allow('deployments');
    world.emulator.resetStats();
  });

  it('a plan without deployments read fails, naming `deployments: read`, and calls no API', async () => {
    world.github.deny('deployments', 403);
    const run = await world.plan();
    expect(run.exitCode, explain(run)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    const errors = errorsOf(run).join('\n');
    expect(errors).toContain('permissions: deployments: read');
    expect(errors).not.toContain('deployments: write');
    expect(errors).toContain('Grant the workflow `permissions: deployments: read`, or set record: false.');
    expect(world.emulator.stats().total).toBe(0);
  });

  it('an apply without deployments access fails, naming `deployments: write` only, and changes nothing', async () => {
    world.github.deny('deployments', 403);
    const run = await world.apply({ sha: sha('1') });
    expect(run.exitCode, explain(run)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    const errors = errorsOf(run).join('\n');
    expect(errors).toContain('Grant the workflow `permissions: deployments: write`, or set record: false.');
    expect(errors).not.toContain('deployments: read');
    expect(world.emulator.stats().total).toBe(0);
    expect(liveNames(world)).toEqual([]);
    expect(recordDeployments(world)).toEqual([]);
  });

  it('an apply that may read but not write the record fails before changing anything, naming `deployments: write`', async () => {
    world.github.deny('deployments', 403, Number.POSITIVE_INFINITY, 'POST');
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    // The intended changes could not be marked in the record, so none was made.
    expect(liveNames(world)).toEqual([]);
    expect(world.emulator.stats().calls.RegisterCustomConnector ?? 0).toBe(0);
    const errors = errorsOf(run).join('\n');
    expect(errors).toContain('deployments: write');
    expect(errors).not.toContain('deployments: read');
    expect(recordDeployments(world)).toEqual([]);
  });

  it('record: false plans and applies without a single deployments request', async () => {
    world.github.deny('deployments', 403);
    const before = deploymentRequests(world).length;
    await world.write({
      'connectors/mysql.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql }),
    });
    const plan = await world.plan({ inputs: { record: 'false' } });
    expect(plan.exitCode, explain(plan)).toBe(0);
    // http-lookup too: the apply before could not mark its record, so it changed nothing.
    expect(plan.stdout).toContain('Plan: 2 to register, 0 to replace, 0 to delete.');
    const apply = await world.apply({ sha: sha('3'), inputs: { record: 'false' } });
    expect(apply.exitCode, explain(apply)).toBe(0);
    expect(apply.outputs.result).toBe('applied');
    expect(liveNames(world)).toEqual(['http-lookup', 'mysql-cdc']);
    expect(deploymentRequests(world).length).toBe(before);
    expect(recordedConnectors(world)).toEqual({});
  });
});
