/**
 * Helpers for end-to-end tests of the record of applied connectors (GitHub deployments) on top of
 * the world of `world.ts`.
 */
import type { FakeDeploymentWithStatuses } from '../../src/emulator/github-fake.js';
import type { RunResult } from '../../scripts/local-runner.js';
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

/** The record deployments of one environment, newest first. */
export function recordDeployments(world: World, environment = environmentOf()): FakeDeploymentWithStatuses[] {
  return world.github.deployments(OWNER, REPO).filter((d) => d.environment === environment && d.task === RECORD_TASK);
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

/** The log, the outputs and the error annotations of a run, for failure messages of assertions. */
export function explain(run: RunResult): string {
  return `exit ${run.exitCode}\n${run.stdout}\n${run.stderr}`;
}
