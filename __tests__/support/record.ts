/**
 * Helpers for end-to-end tests of the record of applied connectors (GitHub deployments) on top of
 * the world of `world.ts`.
 */
import { join } from 'node:path';
import { loadCatalogFile, specToConnector } from '../../src/emulator/catalog.js';
import type { FakeDeploymentWithStatuses } from '../../src/emulator/github-fake.js';
import type { LiveConnector } from '../../src/model.js';
import { PROJECT_ROOT, type RunResult } from '../../scripts/local-runner.js';
import { NS, OWNER, REPO, WS, type World } from './world.js';

export const RECORD_TASK = 'flink-connectors';
/** The workflow run link the harness's environment gives the action. */
export const RUN_URL = `https://github.com/${OWNER}/${REPO}/actions/runs/4242`;

/** A commit SHA made of one repeated hex digit. */
export const sha = (digit: string): string => digit.repeat(40);

export const environmentOf = (workspaceId = WS, namespace = NS): string => `flink-connectors/${workspaceId}/${namespace}`;

export interface RecordedEntry {
  readonly jarUrl: string;
  readonly type: string;
  readonly description?: string;
  readonly commit: string;
}

/** Whether a record deployment only marks the changes an apply was about to make (written before it changed anything). */
export function isIntent(d: FakeDeploymentWithStatuses): boolean {
  const payload = (typeof d.payload === 'string' ? JSON.parse(d.payload) : d.payload) as { pending?: unknown } | null;
  return payload?.pending !== undefined;
}

/** The settled record deployments of one environment (what an apply recorded after its changes), newest first. */
export function recordDeployments(world: World, environment = environmentOf()): FakeDeploymentWithStatuses[] {
  return world.github.deployments(OWNER, REPO).filter((d) => d.environment === environment && d.task === RECORD_TASK && !isIntent(d));
}

/** The newest record deployment of an environment; fails the test when there is none. */
export function latestRecord(world: World, environment = environmentOf()): FakeDeploymentWithStatuses {
  const latest = recordDeployments(world, environment)[0];
  if (!latest) throw new Error(`no record deployment for ${environment}; deployments: ${JSON.stringify(world.github.deployments(OWNER, REPO).map((d) => d.environment))}`);
  return latest;
}

/** The connectors the newest record of an environment holds (an empty object when there is no record). */
export function recordedConnectors(world: World, environment = environmentOf()): Record<string, RecordedEntry> {
  const latest = recordDeployments(world, environment)[0];
  if (!latest) return {};
  const payload = (typeof latest.payload === 'string' ? JSON.parse(latest.payload) : latest.payload) as { connectors?: Record<string, RecordedEntry> };
  return payload.connectors ?? {};
}

/** Names of the connectors the emulator holds in a target, sorted. */
export function liveNames(world: World, workspaceId = WS, namespace = NS): string[] {
  return world.emulator
    .connectors(workspaceId, namespace)
    .map((c) => c.name)
    .sort();
}

/** The `Plan:` / `No changes.` line of a run's log. */
export function planLineOf(run: RunResult): string | undefined {
  return run.stdout.split('\n').find((l) => l.startsWith('Plan: ') || l === 'No changes.');
}

/** The `Record:` line of a run's log, when the plan changes only the record. */
export function recordLineOf(run: RunResult): string | undefined {
  return run.stdout.split('\n').find((l) => l.startsWith('Record: '));
}

/** The messages of the run's error annotations (what `core.setFailed` and `core.error` wrote). */
export function errorsOf(run: RunResult): string[] {
  return run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

/** The exit code and the log of a run, for the messages of failed assertions. */
export function explain(run: RunResult): string {
  return `exit ${run.exitCode}\n${run.stdout}\n${run.stderr}`;
}

/** Who "registered" the connectors seeded as if made in the console. */
export const CONSOLE_USER = 'console-user-1';

/** A connector as the catalog's JAR declares it, as if someone had registered it in the console. */
export async function consoleConnector(jarUrl: string, overrides: Partial<LiveConnector> = {}): Promise<LiveConnector> {
  const { catalog } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
  const spec = catalog[jarUrl]?.[0];
  if (!spec) throw new Error(`the catalog has no connector for ${jarUrl}`);
  return { ...specToConnector(spec), creator: CONSOLE_USER, creatorName: 'console user', ...overrides };
}
