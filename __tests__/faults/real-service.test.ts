/**
 * The ways the real service (and what stands in front of it) fails that a happy-path emulator does
 * not show: gateway pages, the service's error envelope on any status, answers
 * lost after the service acted, names that look like workflow commands, pre-signed URLs, GitHub
 * writes whose answer is lost, and runners without a step summary. Each case runs the bundle.
 * Slow registrations (real 20 s and 40 s answers) are in ../long/real-service-slow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { FAST, KILL_AFTER_MS, calls, liveConnector, liveState, inFreshWorld } from '../support/fault-kit.js';
import { latestRecord, sha } from '../support/record.js';
import { JARS, NS, OWNER, REPO, WS, type World, connectorYaml, prPayload } from '../support/world.js';

const KAFKA = (jarUrl = JARS.kafkaV1): string =>
  connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: jarUrl, source: true, sink: true });
const CLICKHOUSE = (name: 'clickhouse-source' | 'clickhouse-sink', jarUrl: string): string =>
  connectorYaml({ connector_name: name, connector_type: name, jar_url: jarUrl, ...(name === 'clickhouse-source' ? { source: true } : { sink: true }) });

/**
 * Each case gets its own world (servers and checkout, a few ms to start) and the cases run at once:
 * they spend their time waiting for back-off, time limits and visibility, not computing.
 */
const inWorld = (body: (world: World) => Promise<void>): Promise<void> => inFreshWorld(body);

const apply = (world: World, inputs: Record<string, string> = {}, opts: { sha?: string; env?: Record<string, string> } = {}) =>
  world.apply({ inputs: { ...FAST, ...inputs }, killAfterMs: KILL_AFTER_MS, ...opts });
const plan = (world: World, inputs: Record<string, string> = {}, opts: { env?: Record<string, string> } = {}) =>
  world.plan({ inputs: { ...FAST, ...inputs }, killAfterMs: KILL_AFTER_MS, ...opts });
const errors = (run: { stdout: string }): string => run.stdout.split('\n').filter((l) => l.startsWith('::error')).join('\n');
const retries = (stdout: string, action: string): string[] => stdout.split('\n').filter((l) => l.startsWith(`retrying ${action} `));

// 1. (request-timeout bounds the whole answer) waits real time: see ../long/real-service-slow.test.ts.

describe.concurrent('2. a gateway page is a transient server error with its status', () => {
  it('retries a 502 HTML page on the plan\'s list call', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 502, code: 'BadGateway', body: 'html', times: 2 });
      const run = await plan(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(retries(run.stdout, 'ListCustomConnectors')).toHaveLength(2);
      expect(retries(run.stdout, 'ListCustomConnectors')[0]).toMatch(/HTTP 502 \(an HTML page of \d+ bytes instead of the service's JSON; not shown\)/);
      expect(calls(world.emulator).list).toBe(3);
    }));

  it('names the status, and says the body was empty, when the retries run out', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 503, code: 'ServiceUnavailable', body: 'empty', times: Infinity });
      const run = await plan(world, { 'max-retries': '1' });
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toMatch(/ListCustomConnectors failed: HTTP 503 \(empty body\)/);
      expect(calls(world.emulator).list).toBe(2);
    }));
});

describe.concurrent("3. the service's error envelope is read on every status", () => {
  it('a 400 with the envelope shows errorCode, errorMessage and requestId, and is not retried', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 400, code: 'ConnectorJarInvalid', message: 'The JAR has no connector factory.', body: 'envelope' });
      const run = await apply(world);
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toMatch(/HTTP 400 ConnectorJarInvalid: The JAR has no connector factory\. \(request [0-9A-F-]{36}\)/);
      expect(errors(run)).not.toContain('undefined');
      expect(calls(world.emulator).register).toBe(1);
    }));

  it('success: false with a 5xx httpCode, and a throttling code, are retried', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 503, code: 'ServiceUnavailable', body: 'envelope' });
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'business', errorCode: 'Throttling.User', errorMessage: 'Request was denied due to user flow control.' });
      const run = await plan(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(retries(run.stdout, 'ListCustomConnectors')).toHaveLength(2);
      expect(calls(world.emulator).list).toBe(3);
    }));
});

describe.concurrent('4. ambiguous mutations are reconciled on every attempt', () => {
  it('a replace whose register answer is lost under a 2 s visibility delay is done, recorded with the new JAR, and the next plan says No changes.', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA(JARS.kafkaV1) });
      expect((await apply(world, {}, { sha: sha('1') })).exitCode).toBe(0);
      await world.write({ 'connectors/kafka.yaml': KAFKA(JARS.kafkaV2) });
      world.emulator.setVisibilityDelay(2_000);
      world.emulator.resetStats();
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'lost-response' });
      const run = await apply(world, { timeout: '10s' }, { sha: sha('2') });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.result).toBe('applied');
      expect(run.stdout).not.toContain('rolled back');
      // Not listed at the first look, so registered again: "already exists" sends the run looking again.
      expect(run.stdout).toMatch(/already registered .*kafka-orders listed: the registration took effect/);
      expect(calls(world.emulator).register).toBe(2);
      expect(liveConnector(world.emulator, 'kafka-orders')?.supportedFormats).toContain('csv');
      expect(latestRecord(world).payload).toMatchObject({ connectors: { 'kafka-orders': { jarUrl: JARS.kafkaV2 } } });
      world.emulator.setVisibilityDelay(0);
      const next = await plan(world);
      expect(next.stdout).toContain('No changes.');
    }));

  it('with max-retries: 0, a lost register answer is still reconciled', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.setVisibilityDelay(1_500);
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'lost-response' });
      const run = await apply(world, { 'max-retries': '0', timeout: '10s' });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator).register).toBe(1);
    }));

  it('a 5xx after the service acted: the retry\'s "already exists" means look again, not failed', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.setVisibilityDelay(1_500);
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 500, code: 'InternalError', afterServing: true });
      const run = await apply(world, { timeout: '10s' });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toMatch(/already registered .*kafka-orders listed: the registration took effect/);
      expect(calls(world.emulator).register).toBe(2);
    }));

  it('a delete whose answer is lost is confirmed by the list, even on the last attempt', () =>
    inWorld(async (world) => {
      world.emulator.seed(WS, NS, [{ name: 'old-sink', type: 'old-sink', source: false, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
      await world.write({ 'connectors/old.yaml': connectorYaml({ connector_name: 'old-sink', state: 'absent' }) });
      world.emulator.injectFault({ action: 'DeleteCustomConnector', kind: 'http', status: 502, code: 'BadGateway', body: 'html', afterServing: true });
      const run = await apply(world, { 'max-retries': '0' });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator).delete).toBe(1);
      expect(liveState(world.emulator)).toEqual([]);
    }));
});

describe.concurrent('5. rollback of a JAR that declares several connectors', () => {
  it('registers the recorded JAR once and reports both connectors rolled back', () =>
    inWorld(async (world) => {
      const v1 = JARS.clickhouse;
      const v2 = 'oss://flink-artifacts/connectors/clickhouse-bundle-2.0.0.jar';
      await world.write({ 'connectors/source.yaml': CLICKHOUSE('clickhouse-source', v1), 'connectors/sink.yaml': CLICKHOUSE('clickhouse-sink', v1) });
      expect((await apply(world, {}, { sha: sha('1') })).exitCode).toBe(0);
      await world.write({ 'connectors/source.yaml': CLICKHOUSE('clickhouse-source', v2), 'connectors/sink.yaml': CLICKHOUSE('clickhouse-sink', v2) });
      world.emulator.resetStats();
      const run = await apply(world, {}, { sha: sha('2') });
      expect(run.exitCode).toBe(1);
      expect(errors(run)).not.toContain('rollback');
      expect(errors(run).match(/rolled back: registered the recorded JAR/g)).toHaveLength(2);
      // One register of v2 (refused: not found), one of v1 again.
      expect(calls(world.emulator).register).toBe(2);
      expect(liveState(world.emulator)).toEqual(['clickhouse-sink:clickhouse-sink', 'clickhouse-source:clickhouse-source']);
    }));
});

describe.concurrent('6. durations outside sane bounds are refused before any call', () => {
  it.each([
    ['request-timeout', '700h'],
    ['request-timeout', '500ms'],
    ['timeout', '7h'],
  ])('%s: %s', (input, value) =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      const run = await apply(world, { [input]: value });
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toContain(`Input \`${input}\``);
      expect(calls(world.emulator).total).toBe(0);
      expect(run.outputs.result).toBe('failed');
    }));
});

describe.concurrent('7. service values cannot start a workflow command', () => {
  it('a live connector named like a command is printed on one line: plan, apply (delete) and export', () =>
    inWorld(async (world) => {
      const planted = { name: 'x\n::error title=y::z', type: 'x-type', source: true, sink: false, lookup: false, properties: [], supportedFormats: [], dependencies: [] };
      const commandFree = (run: { stdout: string; stderr: string; annotations: readonly { message: string }[] }): void => {
        expect(run.stdout + run.stderr).not.toMatch(/^::error title=y::/m);
        expect(run.annotations.filter((a) => a.message === 'z')).toEqual([]);
      };
      world.emulator.seed(WS, NS, [planted]);
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      commandFree(await plan(world, { prune: 'true' }));
      const applied = await apply(world, { prune: 'true' });
      expect(applied.stdout).toContain('deleted x ::error title=y::z in');
      commandFree(applied);
      world.emulator.seed(WS, NS, [planted]);
      const exported = await world.plan({ inputs: { ...FAST, command: 'export' }, killAfterMs: KILL_AFTER_MS });
      expect(exported.stdout).toContain('exported x ::error title=y::z from');
      commandFree(exported);
    }));

  it('a live connector named like a command and left alone (unmanaged) is printed on one line', () =>
    inWorld(async (world) => {
      world.emulator.seed(WS, NS, [{ name: 'x\n::error title=y::z', type: 'x-type', source: true, sink: false, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      const run = await plan(world);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('x ::error title=y::z');
      expect(run.stdout + run.stderr).not.toMatch(/^::error title=y::/m);
      expect(run.annotations.filter((a) => a.message === 'z')).toEqual([]);
    }));
});

describe.concurrent('8. pre-signed JAR URLs', () => {
  it('a jar_url with a query signature is refused with the reason, and the signature is never shown', () =>
    inWorld(async (world) => {
      const signed = 'https://bucket.oss-cn-hangzhou.aliyuncs.com/kafka.jar?OSSAccessKeyId=LTAIabc&Expires=1700000000&Signature=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';
      await world.write({ 'connectors/kafka.yaml': KAFKA(signed) });
      const run = await plan(world);
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toContain('pre-signed');
      expect(run.stdout + run.summary + JSON.stringify(run.outputs)).not.toContain('c2VjcmV0LXNpZ25hdHVyZQ');
      expect(calls(world.emulator).total).toBe(0);
    }));

  it('a runtime error that echoes the request URL does not show the query', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA(JARS.http) });
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'reset', times: Infinity });
      // The reset registration never acted, so the wait for it to show is meant to expire.
      const run = await apply(world, { 'max-retries': '0', timeout: '100ms' });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain('jarUrl=[redacted]');
      expect(run.stdout).not.toMatch(/jarUrl=(?!\[redacted\])/);
      expect(run.stdout).not.toContain(encodeURIComponent(JARS.http));
    }));
});

describe.concurrent('9. GitHub writes whose answer is lost are not repeated', () => {
  it('one plan comment even when the first POST answer is a 500', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.github.failNext('comments', 500, 1, 'POST', { afterServing: true });
      const run = await plan(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(world.github.comments(OWNER, REPO, 7)).toHaveLength(1);
    }));

  it('one record deployment per write even when the first POST answer is a 500', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.github.failNext('deployments', 500, 1, 'POST', { afterServing: true });
      const run = await apply(world);
      expect(run.exitCode, run.stdout).toBe(0);
      // Two writes: the intended changes before the apply (in progress), then the outcome; the lost
      // answer of the first made neither twice.
      const deployments = world.github.deployments(OWNER, REPO);
      expect(deployments.map((d) => d.statuses[0]?.state).sort()).toEqual(['in_progress', 'success']);
    }));
});

describe.concurrent('10. runs outside the usual runner', () => {
  it('no GITHUB_STEP_SUMMARY is a warning, not a failure', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      const run = await plan(world, {}, { env: { GITHUB_STEP_SUMMARY: '' } });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toMatch(/^::warning::.*GITHUB_STEP_SUMMARY/m);
      expect(run.outputs.result).toBe('planned');
    }));

  const EVERY = ['result', 'has-changes', 'to-register', 'to-replace', 'to-delete'];

  it('the validation-only path sets every output', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      const run = await world.plan({ payload: prPayload(7, 'a'.repeat(40), true), inputs: { ...FAST, 'access-key-id': '', 'access-key-secret': '' } });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(Object.keys(run.outputs)).toEqual(expect.arrayContaining(EVERY));
      expect(run.outputs.result).toBe('no-op');
    }));

  it('the no-credentials path sets every output', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      const run = await world.plan({ inputs: { ...FAST, 'access-key-id': '', 'access-key-secret': '' } });
      expect(run.exitCode, run.stdout).toBe(1);
      expect(Object.keys(run.outputs)).toEqual(expect.arrayContaining(EVERY));
      expect(run.outputs.result).toBe('failed');
    }));

  it('the invalid-definition path sets every output', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': 'connector_name: [oops\n' });
      const run = await plan(world);
      expect(run.exitCode).toBe(1);
      expect(Object.keys(run.outputs)).toEqual(expect.arrayContaining(EVERY));
      expect(run.outputs.result).toBe('failed');
    }));

  it('the invalid-input path sets every output', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      const run = await plan(world, { parallelism: 'many' });
      expect(run.exitCode).toBe(1);
      expect(Object.keys(run.outputs)).toEqual(expect.arrayContaining(EVERY));
      expect(run.outputs.result).toBe('failed');
    }));
});

