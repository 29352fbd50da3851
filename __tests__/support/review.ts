/**
 * Helpers for end-to-end tests of apply == reviewed: a plan shown on a pull request, and its merge
 * into the default branch's history as GitHub would record it.
 */
import { expect } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import { OWNER, REPO, type World, prPayload } from './world.js';

/** Plans on pull request `pr` (its head `head`), as a reviewer would see it. */
export async function planOn(world: World, pr: number, inputs: Record<string, string> = {}): Promise<RunResult> {
  const run = await world.plan({ pr, payload: prPayload(pr, `${String(pr % 10)}`.repeat(40)), inputs });
  expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

/**
 * Records the squash merge of `pr` as commit `sha` on the default branch: the commit (titled
 * `... (#pr)` unless `message` says otherwise) and the PR with its `merge_commit_sha`.
 */
export function merge(world: World, pr: number, sha: string, message = `Change connectors (#${pr})`): void {
  world.github.pushCommits(OWNER, REPO, [{ sha, message }]);
  world.github.addMergedPull(OWNER, REPO, { number: pr, merge_commit_sha: sha, merged_at: '2026-11-30T10:00:00Z' });
}

/** Calls of `GET /commits/{sha}/pulls` answered so far for `sha`. */
export function pullLookups(world: World, sha: string): number {
  return world.github.requests().filter((r) => r.method === 'GET' && r.path.startsWith(`/repos/${OWNER}/${REPO}/commits/${sha}/pulls`)).length;
}
