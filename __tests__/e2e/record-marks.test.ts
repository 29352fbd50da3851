/**
 * Marks are hints. Before it changes a target, an apply marks the changes it is about to make in the
 * record; when their outcome is never recorded, the next run decides from the connector list
 * whether a register or a delete happened, and plans a replace again, since which JAR a live
 * connector came from cannot be seen. Record writes are refused with 403 here (not retried), so no
 * test waits for the record-write backoff.
 */
import { describe, expect, it } from 'vitest';
import { errorsOf, explain, liveNames, planLineOf, recordedConnectors, sha } from '../support/record.js';
import { connectorYaml, JARS, NS, type World, worldPerTest, WS } from '../support/world.js';

const kafka = (fields: Record<string, unknown> = {}): string => connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, ...fields });
const http = connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true });
const mysqlIn = (namespace: string): string => connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql, namespace_name: namespace });

const kafkaFormats = (world: World): readonly string[] | undefined => world.emulator.connectors(WS, NS).find((c) => c.name === 'kafka-orders')?.supportedFormats;

let world: World;
worldPerTest({}, (started) => (world = started));

describe('a mark without an outcome', () => {
  it('is not taken as done when marking a second target failed: the next run replaces again, saying why', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(), 'connectors/mysql.yaml': mysqlIn('other') });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);

    await world.write({ 'connectors/kafka.yaml': kafka({ jar_url: JARS.kafkaV2 }), 'connectors/http.yaml': http, 'connectors/mysql.yaml': mysqlIn('orders') });
    // ws-e2e/default is marked (a deployment and its status); marking the next target is refused.
    world.github.failNext('deployments', 403, 1, 'POST', { after: 2 });
    world.emulator.resetStats();
    const stopped = await world.apply({ sha: sha('2') });
    expect(stopped.exitCode, explain(stopped)).toBe(1);
    expect(errorsOf(stopped).join('\n')).toContain('Could not mark the intended changes in the record of ws-e2e/orders');
    const { RegisterCustomConnector = 0, DeleteCustomConnector = 0 } = world.emulator.stats().calls;
    expect(RegisterCustomConnector + DeleteCustomConnector).toBe(0);

    const next = await world.apply({ sha: sha('3') });
    expect(next.exitCode, explain(next)).toBe(0);
    // The register the mark named did not happen (the list says so); which JAR kafka-orders is cannot be seen.
    expect(planLineOf(next)).toBe('Plan: 2 to register, 1 to replace, 1 to delete.');
    expect(next.stdout).toMatch(/replace kafka-orders \(type kafka-orders\) — the apply of 2222222 was interrupted/);
    expect(kafkaFormats(world)).toContain('csv');
    expect(recordedConnectors(world)['kafka-orders']?.jarUrl).toBe(JARS.kafkaV2);
    expect(liveNames(world)).toEqual(['http-lookup', 'kafka-orders']);
    expect(planLineOf(await world.plan())).toBe('No changes.');
  });

  it('keeps a failed delete in the record, so the next run deletes it', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(), 'connectors/http.yaml': http });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);

    await world.remove('connectors/http.yaml');
    world.emulator.injectFault({ action: 'DeleteCustomConnector', kind: 'business', errorCode: 'InternalError', errorMessage: 'boom' });
    // The mark is written; the outcome is not.
    world.github.failNext('deployments', 403, 1000, 'POST', { after: 2 });
    const failed = await world.apply({ sha: sha('2') });
    expect(failed.exitCode, explain(failed)).toBe(1);
    expect(failed.stdout).toContain('Could not record what was applied');
    expect(liveNames(world)).toEqual(['http-lookup', 'kafka-orders']);
    world.github.allow('deployments');

    const next = await world.apply({ sha: sha('3') });
    expect(next.exitCode, explain(next)).toBe(0);
    expect(planLineOf(next)).toBe('Plan: 0 to register, 0 to replace, 1 to delete.');
    expect(liveNames(world)).toEqual(['kafka-orders']);
    expect(Object.keys(recordedConnectors(world))).toEqual(['kafka-orders']);
  });

  it('does not record a rolled-back replace with the new JAR: the next run replaces again', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka() });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);

    await world.write({ 'connectors/kafka.yaml': kafka({ jar_url: JARS.kafkaV2 }) });
    // v2 is refused; v1 is registered again (the rollback).
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'business', errorCode: 'InternalError', errorMessage: 'boom', times: 1 });
    world.github.failNext('deployments', 403, 1000, 'POST', { after: 2 });
    const failed = await world.apply({ sha: sha('2') });
    expect(failed.exitCode, explain(failed)).toBe(1);
    expect(failed.stdout).toContain('rolled back: registered the recorded JAR');
    expect(kafkaFormats(world)).not.toContain('csv');
    world.github.allow('deployments');

    const next = await world.apply({ sha: sha('3') });
    expect(next.exitCode, explain(next)).toBe(0);
    expect(planLineOf(next)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(next.stdout).toContain('the apply of 2222222 was interrupted');
    expect(kafkaFormats(world)).toContain('csv');
    expect(recordedConnectors(world)['kafka-orders']?.jarUrl).toBe(JARS.kafkaV2);
  });
});
