/**
 * Definite failures are reported exactly and never retried; ambiguous ones (a lost response to a
 * mutation) are resolved by listing; a wait past `timeout` ends the run; and a replace that
 * breaks between its delete and its register is rolled back to the recorded JAR, or, without a
 * record, reported as exactly what happened. Every case checks the emulator's final state.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST, KILL_AFTER_MS, calls, liveConnector, liveState } from '../support/fault-kit.js';
import { recordDeployments } from '../support/record.js';
import { JARS, NS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const kafka = (jar: string, extra: Record<string, unknown> = {}): string =>
  connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: jar, ...extra });

let world: World;

beforeEach(async () => {
  world = await startWorld();
  await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1) });
});

afterEach(async () => {
  await world.close();
});

const plan = (inputs: Record<string, string> = {}) => world.plan({ inputs: { ...FAST, ...inputs }, killAfterMs: KILL_AFTER_MS });
const apply = (inputs: Record<string, string> = {}) => world.apply({ inputs: { ...FAST, ...inputs }, killAfterMs: KILL_AFTER_MS });
const errors = (run: { annotations: { level: string; message: string }[] }): string =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');

describe('success: false (the service refused)', () => {
  it('is not retried: exactly one register call, the code and message verbatim', async () => {
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'business', errorCode: 'ConnectorJarInvalid', errorMessage: 'The JAR at oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar has no META-INF/services entry.' });
    const run = await apply();
    expect(run.exitCode).toBe(1);
    expect(calls(world.emulator).register).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(errors(run)).toContain(
      'kafka-orders (register failed: RegisterCustomConnector was refused: ConnectorJarInvalid: The JAR at oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar has no META-INF/services entry.',
    );
    expect(run.stdout).not.toMatch(/^retrying /m);
    expect(run.summary).toContain('ConnectorJarInvalid');
    expect(liveState(world.emulator)).toEqual([]);
  });

  it('fails a plan after one list call', async () => {
    world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'business', errorCode: 'NamespaceNotFound', errorMessage: 'namespace default does not exist' });
    const run = await plan();
    expect(run.exitCode).toBe(1);
    expect(calls(world.emulator)).toEqual({ list: 1, register: 0, delete: 0, total: 1 });
    expect(errors(run)).toContain('ListCustomConnectors was refused: NamespaceNotFound: namespace default does not exist');
  });

  it('is not retried on a delete either: the connector stays', async () => {
    world.emulator.seed(WS, NS, [{ name: 'old-sink', type: 'old-sink', source: false, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'old-sink', state: 'absent' }) });
    world.emulator.injectFault({ action: 'DeleteCustomConnector', kind: 'business', errorCode: 'ConnectorInUse', errorMessage: 'old-sink is used by 2 running deployments' });
    const run = await apply();
    expect(run.exitCode).toBe(1);
    expect(calls(world.emulator).delete).toBe(1);
    expect(errors(run)).toContain('DeleteCustomConnector was refused: ConnectorInUse: old-sink is used by 2 running deployments');
    expect(liveState(world.emulator)).toEqual(['old-sink:old-sink']);
  });

  it('a 4xx other than throttling is not retried', async () => {
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 403, code: 'Forbidden.RAM', message: 'not authorized for stream:RegisterCustomConnector' });
    const run = await apply();
    expect(run.exitCode).toBe(1);
    expect(calls(world.emulator).register).toBe(1);
    expect(errors(run)).toContain('HTTP 403 Forbidden.RAM: not authorized for stream:RegisterCustomConnector');
    expect(liveState(world.emulator)).toEqual([]);
  });
});

describe('a registration whose response was lost', () => {
  it('lists, finds it, and does not register twice', async () => {
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'lost-response' });
    const run = await apply();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(calls(world.emulator).register).toBe(1);
    expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
    expect(liveConnector(world.emulator, 'kafka-orders')?.supportedFormats).toEqual(['json', 'avro']);
    // The next plan agrees nothing is left to do.
    const again = await plan();
    expect(again.stdout).toContain('No changes.');
  });

  it('a lost delete response: the list shows it gone, so it is not sent again', async () => {
    world.emulator.seed(WS, NS, [{ name: 'old-sink', type: 'old-sink', source: false, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'old-sink', state: 'absent' }) });
    world.emulator.injectFault({ action: 'DeleteCustomConnector', kind: 'lost-response' });
    const run = await apply();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(calls(world.emulator).delete).toBe(1);
    expect(liveState(world.emulator)).toEqual([]);
  });
});

describe('visibility slower than timeout', () => {
  it('ends the run with "requested, but not listed" instead of waiting forever', async () => {
    // The connector never shows within the run, so the wait gets a tiny limit (100 ms, so the message
    // still names it; the bound allows 1 ms): only the expiring side is short.
    world.emulator.setVisibilityDelay(600_000);
    const run = await apply({ timeout: '100ms' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(errors(run)).toContain('kafka-orders (registration requested, but kafka-orders was not listed after 0.1 s)');
    expect(calls(world.emulator).register).toBe(1);
    // Nothing lost: the registration did happen, it is only not listed yet.
    expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
  });
});

describe('a replace that breaks between delete and register', () => {
  it('with a record: registers the recorded JAR again', async () => {
    const first = await apply();
    expect(first.exitCode, first.stdout).toBe(0);
    expect(recordDeployments(world)).toHaveLength(1);

    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV2) });
    const planned = await plan();
    expect(planned.stdout).toContain('Plan: 0 to register, 1 to replace, 0 to delete.');

    world.emulator.resetStats();
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 400, code: 'InvalidJar', message: 'cannot read kafka-orders-2.0.0.jar' });
    const run = await apply();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(errors(run)).toContain(`register failed: RegisterCustomConnector failed: HTTP 400 InvalidJar: cannot read kafka-orders-2.0.0.jar`);
    expect(errors(run)).toContain(`rolled back: registered the recorded JAR ${JARS.kafkaV1} again`);
    // delete v1, register v2 (refused), register v1 again.
    expect(calls(world.emulator)).toMatchObject({ delete: 1, register: 2 });
    expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
    // v1 is what came back (v2 would add csv).
    expect(liveConnector(world.emulator, 'kafka-orders')?.supportedFormats).toEqual(['json', 'avro']);
  });

  it('without a record: says the connector was deleted and not registered; the next plan registers it', async () => {
    world.emulator.seed(WS, NS, [{ name: 'kafka-orders', type: 'kafka-orders-legacy', source: true, sink: true, lookup: false, properties: [], supportedFormats: ['json'], dependencies: [] }]);
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 400, code: 'InvalidJar', message: 'cannot read the JAR' });
    const run = await apply({ record: 'false' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('kafka-orders (deleted, but registering again failed: register failed: RegisterCustomConnector failed: HTTP 400 InvalidJar: cannot read the JAR');
    expect(calls(world.emulator)).toMatchObject({ delete: 1, register: 1 });
    expect(liveState(world.emulator)).toEqual([]);

    const next = await plan({ record: 'false' });
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(JSON.parse(next.outputs['plan-json'] ?? '{}').summary.register).toBe(1);
  });
});
