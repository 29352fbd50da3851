/**
 * Transient faults never fail a run: 5xx bursts, throttling (with the server's retry-after),
 * connection resets and responses slower than `request-timeout` are retried within `max-retries`.
 * When the retries run out, the run fails with a clear message instead of hanging.
 * Every case runs the bundle and checks the emulator's final state ("nothing lost").
 */
import { describe, expect, it } from 'vitest';
import { FAST, KILL_AFTER_MS, calls, liveConnector, liveState, inFreshWorld } from '../support/fault-kit.js';
import { JARS, type World, connectorYaml } from '../support/world.js';

const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, source: true, sink: true });
const HTTP = connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true });

/**
 * Each case gets its own world (servers and checkout, a few ms to start) and the cases run at once:
 * they spend their time waiting for back-off and time limits, not computing.
 */
const inWorld = (body: (world: World) => Promise<void>): Promise<void> => inFreshWorld(body, { 'connectors/kafka.yaml': KAFKA, 'connectors/http.yaml': HTTP });

/**
 * `timeout` for runs whose waits are meant to expire: a refused mutation did not act, so waiting for
 * it to show is bound to run out. A wait always judges its first list answer, however short the
 * limit, so a change that did happen (visible at once here) is never cut off.
 */
const EXPIRING_WAIT = { timeout: '100ms' };

const plan = (world: World, inputs: Record<string, string> = {}) => world.plan({ inputs: { ...FAST, ...inputs }, killAfterMs: KILL_AFTER_MS });
const apply = (world: World, inputs: Record<string, string> = {}) => world.apply({ inputs: { ...FAST, ...inputs }, killAfterMs: KILL_AFTER_MS });

/** The `retrying X (attempt n) in D ms: ...` lines the action logs before each retry. */
const retries = (stdout: string, action: string): string[] => stdout.split('\n').filter((l) => l.startsWith(`retrying ${action} `));

describe.concurrent('5xx bursts', () => {
  it('retries three 503s on the plan\'s list call and plans normally', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 503, code: 'ServiceUnavailable', times: 3 });
      const run = await plan(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toContain('Plan: 2 to register, 0 to replace, 0 to delete.');
      // 3 refused + 1 answered, with max-retries 3.
      expect(calls(world.emulator)).toEqual({ list: 4, register: 0, delete: 0, total: 4 });
      expect(retries(run.stdout, 'ListCustomConnectors')).toHaveLength(3);
      expect(run.stdout).toContain('HTTP 503 ServiceUnavailable');
      expect(liveState(world.emulator)).toEqual([]);
    }));

  it('retries two 503s on a registration and applies everything exactly once', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 503, code: 'ServiceUnavailable', times: 2 });
      const run = await apply(world, EXPIRING_WAIT);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.result).toBe('applied');
      // Two JARs: 2 faulted attempts + 2 successful registrations. A 503 never reached the service.
      expect(calls(world.emulator).register).toBe(4);
      expect(calls(world.emulator).delete).toBe(0);
      expect(retries(run.stdout, 'RegisterCustomConnector')).toHaveLength(2);
      expect(liveState(world.emulator)).toEqual(['http-lookup:http-lookup', 'kafka-orders:kafka-orders']);
    }));

  it('retries a 500 InternalError on a delete', () =>
    inWorld(async (world) => {
      world.emulator.seed('ws-e2e', 'default', [{ name: 'old-sink', type: 'old-sink', source: false, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
      await world.write({ 'connectors/old.yaml': connectorYaml({ connector_name: 'old-sink', state: 'absent' }) });
      world.emulator.injectFault({ action: 'DeleteCustomConnector', kind: 'http', status: 500, code: 'InternalError', times: 2 });
      const run = await apply(world, EXPIRING_WAIT);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator).delete).toBe(3);
      expect(liveState(world.emulator)).toEqual(['http-lookup:http-lookup', 'kafka-orders:kafka-orders']);
    }));
});

describe.concurrent('throttling', () => {
  it('waits the x-acs-retry-after of a 429 Throttling.User, then plans', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 429, code: 'Throttling.User', retryAfterSeconds: 1.5 });
      const run = await plan(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator).list).toBe(2);
      // The server's hint (1500 ms) is the floor of the wait, above the first backoff step (≤ 500 ms).
      expect(retries(run.stdout, 'ListCustomConnectors')).toEqual([expect.stringMatching(/^retrying ListCustomConnectors \(attempt 2\) in 1500 ms: .*HTTP 429 Throttling\.User/)]);
    }));

  it('treats a 400 Throttling.User as throttling too, on a registration', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 400, code: 'Throttling.User', retryAfterSeconds: 1.2, times: 2 });
      const run = await apply(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator).register).toBe(4);
      const waits = retries(run.stdout, 'RegisterCustomConnector');
      expect(waits).toHaveLength(2);
      for (const line of waits) expect(Number(/ in (\d+) ms/.exec(line)?.[1])).toBeGreaterThanOrEqual(1200);
      expect(liveState(world.emulator)).toEqual(['http-lookup:http-lookup', 'kafka-orders:kafka-orders']);
    }));

  it('gives up after max-retries throttled answers with the code in the message', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 429, code: 'Throttling.Api', times: Infinity });
      const run = await plan(world, { 'max-retries': '2' });
      expect(run.exitCode).toBe(1);
      expect(calls(world.emulator).list).toBe(3);
      expect(run.outputs.result).toBe('failed');
      expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message).join('\n')).toContain('ListCustomConnectors failed: HTTP 429 Throttling.Api');
    }));
});

describe.concurrent('connection resets', () => {
  it('retries a reset list call', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'reset', times: 2 });
      const run = await plan(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator).list).toBe(3);
      expect(retries(run.stdout, 'ListCustomConnectors')).toHaveLength(2);
    }));

  it('retries a reset registration (it never reached the service) and registers once', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'reset', times: 1 });
      const run = await apply(world, EXPIRING_WAIT);
      expect(run.exitCode, run.stdout).toBe(0);
      // 1 reset + 2 registrations; after the reset the action listed first, found nothing, registered.
      expect(calls(world.emulator).register).toBe(3);
      expect(liveState(world.emulator)).toEqual(['http-lookup:http-lookup', 'kafka-orders:kafka-orders']);
    }));
});

/**
 * An answer 1 s after the 2 s limit. The runtime keeps an abandoned request's socket (and so the run)
 * alive until its answer comes, so the answer is late enough to be abandoned, and no later.
 */
const SLOW_ONCE_MS = 3_000;

describe.concurrent('slow responses past request-timeout', () => {
  it('abandons a list answer slower than request-timeout and retries', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'slow', delayMs: SLOW_ONCE_MS, times: 1 });
      const run = await plan(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toContain('Plan: 2 to register, 0 to replace, 0 to delete.');
      expect(calls(world.emulator).list).toBe(2);
      expect(retries(run.stdout, 'ListCustomConnectors')[0]).toMatch(/timed out/);
    }));

  it('a slow registration that did happen is found by listing, not registered twice', () =>
    inWorld(async (world) => {
      await world.remove('connectors/http.yaml');
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'slow', delayMs: SLOW_ONCE_MS, times: 1 });
      const run = await apply(world);
      expect(run.exitCode, run.stdout).toBe(0);
      // The answer was abandoned, and the listing (not a second call) settled it.
      expect(run.stdout).toContain('RegisterCustomConnector in ws-e2e/default timed out after 2.0 s (request-timeout)');
      expect(run.stdout).toContain('kafka-orders listed: the registration took effect');
      expect(calls(world.emulator).register).toBe(1);
      expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
      expect(liveConnector(world.emulator, 'kafka-orders')?.supportedFormats).toEqual(['json', 'avro']);
    }));

  it('fails clearly, without hanging, when every answer is too slow', () =>
    inWorld(async (world) => {
      // Every answer expires, so the limit is the smallest allowed: no normal answer has to fit in it.
      // An abandoned request's socket is closed at the limit (see ../long/requests-end.test.ts).
      world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'slow', delayMs: 30_000, times: Infinity });
      const run = await plan(world, { 'max-retries': '1', 'request-timeout': '1s' });
      // Exit 1, not the harness's kill (128): bounded by (max-retries + 1) × request-timeout plus backoff.
      expect(run.exitCode).toBe(1);
      expect(calls(world.emulator).list).toBe(2);
      expect(run.outputs.result).toBe('failed');
      expect(run.stdout).toMatch(/::error::ListCustomConnectors in ws-e2e\/default timed out after 1\.0 s \(request-timeout\)/);
      expect(liveState(world.emulator)).toEqual([]);
    }));
});
