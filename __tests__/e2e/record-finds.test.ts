/**
 * A record that finds everything it applied: a connector moved to another namespace, or a target
 * whose definitions are all gone, is deleted where it was; records are found past the newest 100
 * deployments of an environment; and long target names stay within GitHub's environment name
 * limit. Record writes that fail: record-finds-writing.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { environmentOf as recordEnvironment } from '../../src/record/record.js';
import { explain, liveNames, planLineOf, sha } from '../support/record.js';
import { connectorYaml, GITHUB_TOKEN, JARS, OWNER, REPO, type World, worldPerTest, WS } from '../support/world.js';

const kafka = (fields: Record<string, unknown> = {}): string => connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, ...fields });

let world: World;
worldPerTest({}, (started) => (world = started));

describe('targets nothing declares any more', () => {
  it('a namespace move deletes the connector in the old namespace', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka({ namespace_name: 'orders' }) });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);
    expect(liveNames(world, WS, 'orders')).toEqual(['kafka-orders']);

    await world.write({ 'connectors/kafka.yaml': kafka({ namespace_name: 'orders-v2' }) });
    const plan = await world.plan();
    expect(planLineOf(plan), explain(plan)).toBe('Plan: 1 to register, 0 to replace, 1 to delete.');
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(liveNames(world, WS, 'orders')).toEqual([]);
    expect(liveNames(world, WS, 'orders-v2')).toEqual(['kafka-orders']);
  });

  it('removing every definition of a target that is not the default deletes its connectors', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka({ workspace_id: 'ws-other', namespace_name: 'orders' }) });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);
    await world.remove('connectors/kafka.yaml');
    // Some file must match: a run with none stops before planning.
    await world.write({ 'connectors/other.yaml': 'connector_name: elsewhere\nstate: absent\n' });
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(planLineOf(run)).toBe('Plan: 0 to register, 0 to replace, 1 to delete.');
    expect(liveNames(world, 'ws-other', 'orders')).toEqual([]);
  });
});

describe('reading', () => {
  it('finds the record behind more than 100 newer deployments of the environment', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka() });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);
    // Another job records into the same environment, 110 times.
    for (let i = 0; i < 110; i++) {
      const created = await fetch(`${world.github.url}/repos/${OWNER}/${REPO}/deployments`, {
        method: 'POST',
        headers: { authorization: `token ${GITHUB_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ref: sha('2'), environment: recordEnvironment({ workspaceId: WS, namespace: 'default' }), task: 'flink-connectors', payload: { version: 1, scope: 'another-job', connectors: {} }, auto_merge: false, required_contexts: [] }),
      });
      expect(created.status).toBe(201);
    }
    await world.remove('connectors/kafka.yaml');
    // Some file must match: a run with none stops before planning.
    await world.write({ 'connectors/other.yaml': 'connector_name: elsewhere\nstate: absent\n' });
    const plan = await world.plan();
    expect(planLineOf(plan), explain(plan)).toBe('Plan: 0 to register, 0 to replace, 1 to delete.');
  });

  it('keeps environment names within 255 characters for long target names, and reads them back', async () => {
    // Each name within the API's 128 characters, the environment over GitHub's 255.
    const workspace = `ws-${'w'.repeat(120)}`;
    const namespace = `ns-${'n'.repeat(122)}`;
    await world.write({ 'connectors/kafka.yaml': kafka({ workspace_id: workspace, namespace_name: namespace }) });
    const run = await world.apply({ sha: sha('1') });
    expect(run.exitCode, explain(run)).toBe(0);
    const environments = world.github.deployments(OWNER, REPO).map((d) => d.environment);
    expect(environments.every((e) => e.length <= 255)).toBe(true);
    expect(environments.some((e) => e.startsWith('flink-connectors/ws-www') && e.includes('/ns-nnn'))).toBe(true);
    expect(liveNames(world, workspace, namespace)).toEqual(['kafka-orders']);
    const plan = await world.plan();
    expect(planLineOf(plan), explain(plan)).toBe('No changes.');
  });
});
