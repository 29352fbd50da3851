/** Helpers for the drift-check tests: a scheduled run, and the drift issues of a key in the GitHub fake. */
import type { FakeIssue } from '../../src/emulator/github-fake-issues.js';
import { commentMarker } from '../../src/report/markdown.js';
import type { RunOptions, RunResult } from '../../scripts/local-runner.js';
import { OWNER, REPO, type World } from './world.js';

export const DRIFT_LABEL = 'flink-connectors-drift';

export function schedulePayload(): Record<string, unknown> {
  return { schedule: '17 6 * * *', repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main', name: REPO, owner: { login: OWNER } } };
}

/** A `schedule` run with `command: auto` (the default), i.e. a drift check. */
export function check(world: World, opts: Partial<RunOptions> & { inputs?: Record<string, string> } = {}): Promise<RunResult> {
  return world.plan({ eventName: 'schedule', payload: schedulePayload(), ref: 'refs/heads/main', sha: 'e'.repeat(40), ...opts });
}

/** The issues (not pull requests) that carry the drift label and the marker of `key`. */
export function driftIssues(world: World, key: string): FakeIssue[] {
  return world.github
    .issues(OWNER, REPO)
    .filter((i) => !i.pull_request && i.labels.some((l) => l.name === DRIFT_LABEL) && (i.body ?? '').includes(commentMarker(key)));
}
