/**
 * Unclear answers to a register or delete (a gateway 5xx, a reset, a lost answer) against the
 * bundle: the effect is looked for briefly, then the call is retried at once; only a retry answered
 * "already exists" (or a last attempt) waits, and never longer than `settle`. Then what the workspace
 * shows is what the run reports: a connector the lost register brought in under another name is
 * found and removed, and a connector that contradicts its definition is said to be removed again.
 */
import { describe, expect, it } from 'vitest';
import { FAST, KILL_AFTER_MS, calls, liveState, inFreshWorld } from '../support/fault-kit.js';
import { JARS, NS, WS, type World, connectorYaml } from '../support/world.js';

const KAFKA = (fields: Record<string, unknown> = {}): string =>
  connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, source: true, sink: true, ...fields });

const inWorld = (body: (world: World) => Promise<void>): Promise<void> => inFreshWorld(body);

/**
 * `timeout: 30s` and the default `settle` (30 s): a run that waits for an effect that never comes
 * waits 30 s before it tries again. Timed by the emulator (when each attempt arrived), not by the
 * wall clock of the whole run, which a loaded machine stretches.
 */
const SLOW_BOUNDS = { ...FAST, timeout: '30s' };
const NO_WAIT_MS = 10_000;
/** The longest pause between two attempts of `action`, as the emulator saw them arrive. */
const longestGap = (world: World, action: string): number => {
  const at = world.emulator.arrivals(action);
  return Math.max(0, ...at.slice(1).map((t, i) => t - (at[i] ?? t)));
};
const apply = (world: World, inputs: Record<string, string> = {}) => world.apply({ inputs: { ...SLOW_BOUNDS, ...inputs }, killAfterMs: KILL_AFTER_MS });
const errors = (run: { stdout: string }): string => run.stdout.split('\n').filter((l) => l.startsWith('::error')).join('\n');
const annotations = (run: { stdout: string }): string => run.stdout.split('\n').filter((l) => /^::(error|warning)/.test(l)).join('\n');

describe.concurrent('1. an unclear answer costs seconds, not the timeout', () => {
  it('a 503 on Register (the service did not act) with timeout: 30s: looked at, retried at once, done in seconds', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 503, code: 'ServiceUnavailable' });
      const run = await apply(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator).register).toBe(2);
      expect(longestGap(world, 'RegisterCustomConnector')).toBeLessThan(NO_WAIT_MS);
      expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
    }));

  it('two resets before the service acted (a register and a delete of one run) cost seconds too', () =>
    inWorld(async (world) => {
      world.emulator.seed(WS, NS, [{ name: 'old-sink', type: 'old-sink', source: false, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
      await world.write({ 'connectors/kafka.yaml': KAFKA(), 'connectors/old.yaml': connectorYaml({ connector_name: 'old-sink', state: 'absent' }) });
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'reset' });
      world.emulator.injectFault({ action: 'DeleteCustomConnector', kind: 'reset' });
      const run = await apply(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(calls(world.emulator)).toMatchObject({ register: 2, delete: 2 });
      expect(longestGap(world, 'RegisterCustomConnector')).toBeLessThan(NO_WAIT_MS);
      expect(longestGap(world, 'DeleteCustomConnector')).toBeLessThan(NO_WAIT_MS);
      expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
    }));

  it('a lost answer the list shows late: the retry is answered "already exists", the run looks again and adopts it', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.setVisibilityDelay(1_500);
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'lost-response' });
      const run = await apply(world);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.result).toBe('applied');
      expect(longestGap(world, 'RegisterCustomConnector')).toBeLessThan(NO_WAIT_MS);
      expect(run.stdout).toMatch(/already registered .*kafka-orders listed: the registration took effect/);
      expect(calls(world.emulator).register).toBe(2);
      expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
    }));

  it('settle bounds that look: a connector the list never shows fails after settle, saying what the service answered', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.setVisibilityDelay(120_000);
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'lost-response' });
      const run = await apply(world, { settle: '1s' });
      expect(run.exitCode).toBe(1);
      expect(calls(world.emulator).register).toBe(2);
      expect(longestGap(world, 'RegisterCustomConnector')).toBeLessThan(NO_WAIT_MS);
      expect(errors(run)).toMatch(/already registered.*checked the workspace for up to 1\.0 s: kafka-orders was not listed/);
      expect(run.stdout).toContain('looking again for up to 1.0 s for kafka-orders to be listed');
    }));

  it('a type another connector held before the attempt explains the retry\'s "already exists": no look, no wait', () =>
    inWorld(async (world) => {
      world.emulator.seed(WS, NS, [{ name: 'orders-legacy', type: 'kafka-orders', source: true, sink: false, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
      await world.write({ 'connectors/kafka.yaml': KAFKA() });
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 503, code: 'ServiceUnavailable' });
      const run = await apply(world);
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toContain("A connector of type 'kafka-orders' is already registered");
      expect(run.stdout).not.toContain('looking again');
      expect(calls(world.emulator).register).toBe(2);
      expect(liveState(world.emulator)).toEqual(['orders-legacy:kafka-orders']);
    }));
});

describe.concurrent('5. a lost register answer does not leak a connector', () => {
  it('the JAR declares another name than the definition: the connector it brought in is found, reported and removed', () =>
    inWorld(async (world) => {
      // kafkaV1 declares `kafka-orders` (type kafka-orders); the definition calls it `orders-stream`.
      await world.write({ 'connectors/kafka.yaml': KAFKA({ connector_name: 'orders-stream' }) });
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'lost-response' });
      const run = await apply(world);
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toContain('the JAR declares kafka-orders (type kafka-orders), not orders-stream (type kafka-orders)');
      expect(errors(run)).toContain('kafka-orders removed again');
      expect(errors(run)).not.toContain('delete it first');
      expect(liveState(world.emulator)).toEqual([]);
      expect(calls(world.emulator).register).toBe(1);
    }));
});

describe.concurrent('6. the reported outcome is the workspace after the run', () => {
  it('a new connector that contradicts its definition: "registered, contradicted the definition, removed again", in the outcome and the annotations', () =>
    inWorld(async (world) => {
      await world.write({ 'connectors/kafka.yaml': KAFKA({ lookup: true }) });
      const expected = 'kafka-orders (registered, contradicted the definition, removed again: lookup: live false, declared true (a re-run does the same until jar_url or the definition changes))';
      const run = await apply(world);
      expect(run.exitCode).toBe(1);
      expect(liveState(world.emulator)).toEqual([]);
      expect(errors(run)).toContain(expected);
      expect(annotations(run)).toContain(`::warning::kafka-orders in ${WS}/${NS}: registered, contradicted the definition, removed again: lookup: live false, declared true`);
      expect(annotations(run)).not.toContain('registered, but it contradicts');
      expect(run.summary).toContain('removed again');
      // A re-run (same commit, same files) goes through the same cycle on a connector nothing can
      // use yet, and says the same; nothing is left behind either time.
      const rerun = await apply(world);
      expect(rerun.exitCode).toBe(1);
      expect(errors(rerun)).toContain(expected);
      expect(liveState(world.emulator)).toEqual([]);
      expect(calls(world.emulator)).toMatchObject({ register: 2, delete: 2 });
    }));
});
