/**
 * Shared pieces of the reliability and security suite: fast inputs, a console-side API client,
 * and the "every byte the action wrote" view used by the secret scans.
 */
import { systemClock } from '../../src/apply/ports.js';
import type { GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import type { LiveConnector } from '../../src/model.js';
import { type ConnectorApi, createConnectorApi } from '../../src/ververica/connectors.js';
import { openApiConfig } from '../../src/ververica/config.js';
import type { RunResult } from '../../scripts/local-runner.js';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, NS, OWNER, REPO, WS, type World, startWorld } from './world.js';

/** Short bounds so a fault costs seconds, not minutes. */
export const FAST: Readonly<Record<string, string>> = { 'request-timeout': '2s', timeout: '3s', 'max-retries': '3' };

/** A run taking longer than this is killed by the harness (exit 128): a hang, never reached by a passing test. */
export const KILL_AFTER_MS = 45_000;

/** What someone in the web console does, signed with the world's key (counts in the emulator's stats). */
export function consoleApi(emulator: EmulatorHandle): ConnectorApi {
  return createConnectorApi({
    config: openApiConfig({
      credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET },
      endpoint: { host: emulator.endpoint, protocol: 'http' },
      regionId: 'cn-hangzhou',
    }),
    requestTimeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    hooks: { sleep: systemClock.sleep, random: () => 0.5 },
    secrets: [ACCESS_KEY_SECRET],
  });
}

/** `name:type` of every connector the emulator holds for the e2e target, visible or not, sorted. */
export function liveState(emulator: EmulatorHandle, ws = WS, ns = NS): string[] {
  return emulator
    .connectors(ws, ns)
    .map((c) => `${c.name}:${c.type}`)
    .sort();
}

export function liveConnector(emulator: EmulatorHandle, name: string, ws = WS, ns = NS): LiveConnector | undefined {
  return emulator.connectors(ws, ns).find((c) => c.name === name);
}

/** Every API call the emulator received, by action, with absent actions as 0. */
export function calls(emulator: EmulatorHandle): { list: number; register: number; delete: number; total: number } {
  const { calls: byAction, total } = emulator.stats();
  return {
    list: byAction.ListCustomConnectors ?? 0,
    register: byAction.RegisterCustomConnector ?? 0,
    delete: byAction.DeleteCustomConnector ?? 0,
    total,
  };
}

/** The log lines, the summary and the outputs of a run, minus the `::add-mask::` commands that must carry secrets. */
export function everythingWritten(run: Pick<RunResult, 'stdout' | 'stderr' | 'summary' | 'outputs'>): string {
  const log = (run.stdout + '\n' + run.stderr)
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [log, run.summary, JSON.stringify(run.outputs)].join('\n');
}

/** Every comment body and every deployment (payload, description, statuses) the GitHub fake holds. */
export function everythingOnGitHub(github: GitHubFakeHandle, pulls: readonly number[]): string {
  const comments = pulls.flatMap((n) => github.comments(OWNER, REPO, n).map((c) => c.body));
  return [...comments, JSON.stringify(github.deployments(OWNER, REPO))].join('\n');
}

/** Where a secret shows up, for a readable failure message; empty when nowhere. */
export function leaks(text: string, secrets: Readonly<Record<string, string>>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => value !== '' && text.includes(value))
    .map(([name]) => name);
}

/** A fresh world with `files` checked out, closed after `body` whatever happens: one per test, so faults never leak. */
export async function inFreshWorld(body: (world: World) => Promise<void>, files: Readonly<Record<string, string>> = {}): Promise<void> {
  const world = await startWorld();
  try {
    if (Object.keys(files).length > 0) await world.write(files);
    await body(world);
  } finally {
    await world.close();
  }
}
