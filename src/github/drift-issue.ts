/**
 * One drift issue per key, kept in step with the latest check: opened (or reopened) on drift, its
 * body edited in place while the drift lasts, a comment only when the drifted set changes, closed
 * with a comment once the workspace converges.
 *
 * Our issue carries the hidden marker AND the drift label; pull requests, which the issues listing
 * includes, never count. A person who closed the issue as "not planned" has dismissed that drift:
 * it stays closed while the drifted set is the one it describes (we close only as completed or
 * duplicate, so that reason is always a person's). Two checks may race: each looks before creating and again after, and
 * only the oldest open issue of a key stays open.
 */
import type { Octokit } from './client.js';
import { httpStatusOf, rethrowAsPermissionError } from './errors.js';

export const DRIFT_LABEL = 'flink-connectors-drift';
const LABEL_COLOR = 'd93f0b';

export interface DriftIssueQuery {
  readonly owner: string;
  readonly repo: string;
  /** A hidden HTML comment naming the key (see `commentMarker`). */
  readonly marker: string;
}

export interface DriftIssueTexts {
  readonly title: string;
  readonly body: string;
  /** Reads the drifted set an issue body was written for. */
  readonly setOf: (body: string) => string | undefined;
  /** The drifted set of `body`. */
  readonly set: string;
  readonly changedComment: string;
  readonly againComment: string;
  readonly duplicateComment: (keeper: number) => string;
}

export interface DriftIssueResult {
  readonly action: 'opened' | 'reopened' | 'updated' | 'closed' | 'left-closed' | 'none';
  readonly number?: number;
  readonly url?: string;
  /** Whether a comment was added to the issue. */
  readonly commented: boolean;
}

interface ListedIssue {
  readonly number: number;
  readonly state: string;
  readonly state_reason?: string | null;
  readonly body?: string | null;
  readonly html_url: string;
  readonly pull_request?: unknown;
}

async function call<T>(action: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    rethrowAsPermissionError(error, 'issues: write', action);
  }
}

/** Our issues of this key, any state, oldest first; every page is read. */
async function ourIssues(octokit: Octokit, q: DriftIssueQuery): Promise<ListedIssue[]> {
  const all: ListedIssue[] = await call(`list the issues labelled ${DRIFT_LABEL} in ${q.owner}/${q.repo}`, () =>
    octokit.paginate(octokit.rest.issues.listForRepo, { owner: q.owner, repo: q.repo, labels: DRIFT_LABEL, state: 'all', per_page: 100 }),
  );
  return all.filter((i) => i.pull_request === undefined && (i.body ?? '').includes(q.marker)).sort((a, b) => a.number - b.number);
}

const isOpen = (i: ListedIssue): boolean => i.state === 'open';

async function comment(octokit: Octokit, q: DriftIssueQuery, number: number, body: string): Promise<void> {
  await call(`comment on issue #${number} in ${q.owner}/${q.repo}`, () => octokit.rest.issues.createComment({ owner: q.owner, repo: q.repo, issue_number: number, body }));
}

async function update(octokit: Octokit, q: DriftIssueQuery, number: number, fields: { body?: string; state?: 'open' | 'closed'; state_reason?: 'completed' | 'duplicate' }): Promise<void> {
  await call(`update issue #${number} in ${q.owner}/${q.repo}`, () => octokit.rest.issues.update({ owner: q.owner, repo: q.repo, issue_number: number, ...fields }));
}

/** Every open issue but the oldest is a duplicate left by a race: closed, pointing at the keeper. */
async function closeDuplicates(octokit: Octokit, q: DriftIssueQuery, open: readonly ListedIssue[], texts: DriftIssueTexts): Promise<ListedIssue | undefined> {
  const [keeper, ...duplicates] = open;
  for (const d of duplicates) {
    if (!keeper) break;
    await comment(octokit, q, d.number, texts.duplicateComment(keeper.number));
    await update(octokit, q, d.number, { state: 'closed', state_reason: 'duplicate' });
  }
  return keeper;
}

/** A label that exists already is fine (422); GitHub would otherwise drop it from the new issue. */
async function ensureLabel(octokit: Octokit, q: DriftIssueQuery): Promise<void> {
  try {
    await octokit.rest.issues.createLabel({ owner: q.owner, repo: q.repo, name: DRIFT_LABEL, color: LABEL_COLOR, description: 'Flink connectors drifted from their definitions' });
  } catch (error) {
    if (httpStatusOf(error) === 422) return;
    rethrowAsPermissionError(error, 'issues: write', `create the label ${DRIFT_LABEL} in ${q.owner}/${q.repo}`);
  }
}

/** Drift found: open, reopen or update the key's issue. */
export async function reportDrift(octokit: Octokit, q: DriftIssueQuery, texts: DriftIssueTexts): Promise<DriftIssueResult> {
  const found = await ourIssues(octokit, q);
  const keeper = await closeDuplicates(octokit, q, found.filter(isOpen), texts);
  if (keeper) {
    await update(octokit, q, keeper.number, { body: texts.body });
    const changed = texts.setOf(keeper.body ?? '') !== texts.set;
    if (changed) await comment(octokit, q, keeper.number, texts.changedComment);
    return { action: 'updated', number: keeper.number, url: keeper.html_url, commented: changed };
  }
  // The issue closed when the workspace last converged: reopen it rather than start another.
  const closed = found.filter((i) => i.state_reason !== 'duplicate').at(-1) ?? found.at(-1);
  if (closed?.state_reason === 'not_planned' && texts.setOf(closed.body ?? '') === texts.set) {
    return { action: 'left-closed', number: closed.number, url: closed.html_url, commented: false };
  }
  if (closed) {
    await update(octokit, q, closed.number, { state: 'open', body: texts.body });
    await comment(octokit, q, closed.number, texts.againComment);
    return { action: 'reopened', number: closed.number, url: closed.html_url, commented: true };
  }
  await ensureLabel(octokit, q);
  const { data } = await call(`create an issue in ${q.owner}/${q.repo}`, () =>
    octokit.rest.issues.create({ owner: q.owner, repo: q.repo, title: texts.title, body: texts.body, labels: [DRIFT_LABEL] }),
  );
  // Another check may have created one meanwhile: the oldest stays, the others are closed.
  const winner = await closeDuplicates(octokit, q, (await ourIssues(octokit, q)).filter(isOpen), texts);
  if (winner && winner.number !== data.number) {
    await update(octokit, q, winner.number, { body: texts.body });
    return { action: 'updated', number: winner.number, url: winner.html_url, commented: false };
  }
  return { action: 'opened', number: data.number, url: data.html_url, commented: false };
}

/** No drift: close the key's open issue (normally one) with a short comment. */
export async function reportConverged(octokit: Octokit, q: DriftIssueQuery, convergedComment: string): Promise<DriftIssueResult> {
  const open = (await ourIssues(octokit, q)).filter(isOpen);
  for (const issue of open) {
    await comment(octokit, q, issue.number, convergedComment);
    await update(octokit, q, issue.number, { state: 'closed', state_reason: 'completed' });
  }
  const first = open[0];
  return first ? { action: 'closed', number: first.number, url: first.html_url, commented: true } : { action: 'none', commented: false };
}
