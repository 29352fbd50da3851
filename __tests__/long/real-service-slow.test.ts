/**
 * request-timeout bounds the whole answer, not 10 s of silence: a register that answers after 20 s
 * with `request-timeout: 30s` succeeds in one call; after 40 s it is abandoned at 30 s. These cases
 * wait real time (the limits are the behaviour), so they live in their own file, each with its own
 * world, and run at once: the file costs about one 40 s answer, and the rest of the suite overlaps it.
 */
import { describe, expect, it } from 'vitest';
import { FAST, calls, liveState, inFreshWorld } from '../support/fault-kit.js';
import { JARS, NS, WS, type World, connectorYaml } from '../support/world.js';

const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, source: true, sink: true });

/** Long enough for the slow-register cases; a hang is still caught. */
const KILL_SLOW_MS = 55_000;

const errors = (run: { stdout: string }): string => run.stdout.split('\n').filter((l) => l.startsWith('::error')).join('\n');

/** A fresh world with the Kafka definition checked out, closed after `body`. */
const inWorld = (body: (world: World) => Promise<void>): Promise<void> => inFreshWorld(body, { 'connectors/kafka.yaml': KAFKA });

const apply = (world: World, inputs: Record<string, string>) => world.apply({ inputs: { ...FAST, ...inputs }, killAfterMs: KILL_SLOW_MS });

describe.concurrent('1. request-timeout bounds the whole answer, not 10 s of silence', () => {
  it('a register that answers after 20 s succeeds in one call with request-timeout: 30s', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'slow', delayMs: 20_000 });
      const run = await apply(world, { 'request-timeout': '30s', 'max-retries': '0' });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).not.toMatch(/timed out|ConnectTimeout/);
      expect(calls(world.emulator).register).toBe(1);
      expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
    }));

  it('after 40 s it is abandoned at 30 s, reconciled, and reported done because it took effect', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'slow', delayMs: 40_000 });
      const run = await apply(world, { 'request-timeout': '30s', 'max-retries': '0' });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.result).toBe('applied');
      expect(run.stdout).toContain(`RegisterCustomConnector in ${WS}/${NS} timed out after 30.0 s (request-timeout)`);
      expect(calls(world.emulator).register).toBe(1);
    }));

  it('after 40 s it is abandoned at 30 s, reconciled, and reported failed because it did not take effect', () =>
    inWorld(async (world) => {
      world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'slow', delayMs: 40_000, acts: false });
      const run = await apply(world, { 'request-timeout': '30s', 'max-retries': '0', timeout: '2s' });
      expect(run.exitCode, run.stdout).toBe(1);
      expect(errors(run)).toContain(`RegisterCustomConnector in ${WS}/${NS} timed out after 30.0 s (request-timeout)`);
      expect(errors(run)).toContain('kafka-orders was not listed');
      expect(calls(world.emulator).register).toBe(1);
      expect(liveState(world.emulator)).toEqual([]);
    }));
});
