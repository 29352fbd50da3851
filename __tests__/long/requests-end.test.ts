/**
 * Requests end at their limit: an abandoned request's socket is closed at `request-timeout` (not
 * at the runtime's own timer, 5 s later), and a connection that never opens (TCP up, TLS handshake
 * never answered) is "never reached the service" on HTTPS too. Each case waits real time.
 */
import { type Server, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/apply/ports.js';
import type { CloudError } from '../../src/ververica/errors.js';
import { createConnectorApi } from '../../src/ververica/connectors.js';
import { openApiConfig } from '../../src/ververica/config.js';
import { FAST, calls } from '../support/fault-kit.js';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, JARS, NS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, source: true, sink: true });
const KILL_MS = 45_000;

/** Accepts TCP connections and never says a word: a TLS handshake with it never completes. */
async function silentServer(): Promise<{ server: Server; port: number; closedAfter: number[]; accepted: () => number }> {
  const closedAfter: number[] = [];
  let count = 0;
  const server = createServer((socket: Socket) => {
    count += 1;
    sockets.add(socket);
    const opened = Date.now();
    socket.on('error', () => undefined);
    // Reading, so the client's close is seen (a paused socket never reads the end of the stream).
    socket.resume();
    socket.once('close', () => closedAfter.push(Date.now() - opened));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, closedAfter, accepted: () => count };
}

let world: World | undefined;
let silent: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  silent = undefined;
});

describe('12. requests end at their limit', () => {
  it('an abandoned register is cut off at request-timeout: the service sees the connection close then, not 5 s later', async () => {
    world = await startWorld();
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'slow', delayMs: 20_000, acts: false });
    // The settle window keeps the run going well past request-timeout + 5 s.
    const run = await world.apply({ inputs: { ...FAST, 'request-timeout': '1s', 'max-retries': '0', timeout: '8s' }, killAfterMs: KILL_MS });
    expect(run.exitCode).toBe(1);
    const register = world.emulator.abandoned().filter((c) => c.action === 'RegisterCustomConnector');
    expect(register).toHaveLength(1);
    expect(register[0]?.afterMs).toBeGreaterThanOrEqual(900);
    expect(register[0]?.afterMs).toBeLessThan(2_500);
    expect(calls(world.emulator).register).toBe(1);
  });

  it('HTTPS: a connection whose handshake never completes is "could not connect", cut off at request-timeout', async () => {
    world = await startWorld();
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    const tls = await silentServer();
    silent = tls.server;
    const run = await world.plan({ inputs: { ...FAST, endpoint: `https://127.0.0.1:${tls.port}`, 'request-timeout': '1s', 'max-retries': '1' }, killAfterMs: KILL_MS });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`ListCustomConnectors in ${WS}/${NS} failed: could not connect within 1.0 s (request-timeout)`);
    expect(tls.accepted()).toBe(2);
    expect(tls.closedAfter).toHaveLength(2);
    for (const ms of tls.closedAfter) expect(ms).toBeLessThan(2_500);
  });

  it('HTTPS: a register that never connects never reached the service: retried, never reconciled', async () => {
    const tls = await silentServer();
    silent = tls.server;
    const api = createConnectorApi({
      config: openApiConfig({ credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }, endpoint: { host: `127.0.0.1:${tls.port}`, protocol: 'https' }, regionId: 'cn-hangzhou' }),
      requestTimeoutMs: 1_000,
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      hooks: { sleep: systemClock.sleep, random: () => 0.5 },
      secrets: [ACCESS_KEY_SECRET],
    });
    const reconciled: string[] = [];
    const error = await api
      .register({ workspaceId: WS, namespace: NS }, JARS.kafkaV1, ['kafka-orders'], {
        reconcile: async (e) => {
          reconciled.push(e.message);
          return undefined;
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as CloudError,
      );
    expect(error?.message).toContain('could not connect');
    expect(error?.ambiguous).toBe(false);
    expect(reconciled).toEqual([]);
    expect(tls.accepted()).toBe(2);
  });
});
