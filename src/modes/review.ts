/**
 * Apply == reviewed. The changes an apply may carry out are those reviewed and not yet applied:
 * the union of the last plans shown on every pull request merged since each target's last
 * recorded apply (the commits between the record's commit and the pushed one). Fails closed: when
 * no reviewed plan can be found, nothing is reviewed.
 */
import type { Octokit } from '../github/client.js';
import { type Ancestry, ancestry, commitMessage, commitsBetween, mergedAs, pullNumberInMessage } from '../github/history.js';
import { findMergedPull } from '../github/pulls.js';
import { findStickyComment } from '../github/sticky-comment.js';
import type { Plan } from '../model.js';
import { targetKey } from '../model.js';
import { isChange } from '../plan/plan.js';
import { type TargetRecord, reviewBase } from '../record/record.js';
import { acceptedIds, changeId, idOf } from '../report/fingerprint.js';
import { commentMarker, legacyCommentMarker, readChangeIds, readFingerprint } from '../report/markdown.js';
import { type RunContext, messageOf } from '../pipeline/run-context.js';

/** Waits between lookups of the merged PR while GitHub catches up with a merge: about 30 s in all. */
export const LOOKUP_BACKOFF_MS: readonly number[] = [2_000, 4_000, 8_000, 16_000];
/** Commits of a range whose PR is looked up one by one, at most (beyond it, only PRs named in messages count). */
const MAX_COMMIT_LOOKUPS = 30;

export interface ReviewCheck {
  /** The PR the pushed commit was merged from, when found: the result is reported on it. */
  readonly pull?: number;
  /** The change ids shown on that PR, kept in its comment when the result is written. */
  readonly shown?: readonly string[];
  /** Planned changes outside the reviewed set, as `action name in target`. */
  readonly unreviewed: readonly string[];
  /** Why nothing counts as reviewed (no PR, no plan comment, GitHub failed). */
  readonly problem?: string;
  /** What the plan was compared with (which PRs' plans, how the pushed commit's PR was found), for the refusal. */
  readonly compared?: string;
  /** Which check ran and what it compared, for the log. */
  readonly log: readonly string[];
}

interface Shown {
  readonly ids?: readonly string[];
  readonly fingerprint?: string;
}

const short = (sha: string): string => sha.slice(0, 7);

/**
 * The PR merged as `sha`: asked of `GET /commits/{sha}/pulls`, then of the commit message (confirmed
 * by the PR's `merge_commit_sha`); when `patient`, asked again with backoff, since the first can lag
 * a merge for a while.
 */
async function mergedPullOf(ctx: RunContext, octokit: Octokit, sha: string, patient: boolean): Promise<{ pull?: number; how: string }> {
  const { owner, repo } = ctx.settings.event;
  const byMessage = async (): Promise<number | undefined> => {
    const message = await commitMessage(octokit, owner, repo, sha);
    const named = message === undefined ? undefined : pullNumberInMessage(message);
    return named !== undefined && (await mergedAs(octokit, owner, repo, named, sha)) ? named : undefined;
  };
  let pull = await findMergedPull(octokit, owner, repo, sha);
  if (pull !== undefined) return { pull, how: `GET commits/${short(sha)}/pulls` };
  pull = await byMessage();
  if (pull !== undefined) return { pull, how: `the commit message, confirmed by the pull request's merge_commit_sha` };
  let tries = 1;
  for (const wait of patient ? LOOKUP_BACKOFF_MS : []) {
    await ctx.deps.clock.sleep(wait);
    tries++;
    pull = await findMergedPull(octokit, owner, repo, sha);
    if (pull !== undefined) return { pull, how: `GET commits/${short(sha)}/pulls (try ${tries})` };
  }
  return { how: `GET commits/${short(sha)}/pulls answered no merged pull request (${tries} tr${tries === 1 ? 'y' : 'ies'}) and the commit message names none merged as ${short(sha)}` };
}

/** The PRs merged by the commits after `base` up to `head` (head's own PR aside). */
async function pullsBetween(ctx: RunContext, octokit: Octokit, base: string, head: string): Promise<number[] | undefined> {
  const { owner, repo } = ctx.settings.event;
  const commits = await commitsBetween(octokit, owner, repo, base, head);
  if (!commits) return undefined;
  const pulls = new Set<number>();
  let lookups = 0;
  for (const c of commits) {
    if (c.sha === head.toLowerCase()) continue;
    const named = pullNumberInMessage(c.message);
    if (named !== undefined && !pulls.has(named) && (await mergedAs(octokit, owner, repo, named, c.sha))) {
      pulls.add(named);
      continue;
    }
    if (lookups++ < MAX_COMMIT_LOOKUPS) {
      const found = await findMergedPull(octokit, owner, repo, c.sha);
      if (found !== undefined) pulls.add(found);
    }
  }
  return [...pulls];
}

/** What the last plan shown on `pull` said (this release's change ids, or an earlier release's fingerprint). */
async function shownOn(ctx: RunContext, octokit: Octokit, pull: number): Promise<Shown | undefined> {
  const { owner, repo } = ctx.settings.event;
  const key = ctx.settings.commentKey;
  const comment = await findStickyComment(octokit, { owner, repo, issueNumber: pull, marker: commentMarker(key), legacyMarkers: [legacyCommentMarker(key)] });
  if (!comment) return undefined;
  const ids = readChangeIds(comment.body);
  const fingerprint = readFingerprint(comment.body);
  return ids || fingerprint ? { ids, fingerprint } : undefined;
}

function describe(item: { action: string; name: string; target: Plan['targets'][number]['target'] }): string {
  return `${item.action} ${item.name} in ${targetKey(item.target)}`;
}

/**
 * Checks the plan against the reviewed set. `patient`: wait for GitHub to list the merged PR (only
 * worth it when a refusal would follow).
 */
export async function checkReviewed(ctx: RunContext, plan: Plan, fingerprint: string, records: ReadonlyMap<string, TargetRecord> | undefined, patient: boolean): Promise<ReviewCheck> {
  const { octokit, secrets } = ctx.deps;
  const { sha } = ctx.settings.event;
  const changes = plan.targets.flatMap((tp) => tp.items.filter(isChange));
  const all = changes.map(describe);
  if (!octokit || !sha) return { unreviewed: all, problem: `No ${ctx.settings.githubAccess}: the reviewed plan cannot be read`, log: [] };
  const log: string[] = [];
  try {
    const head = await mergedPullOf(ctx, octokit, sha, patient);
    log.push(`review check: ${head.pull === undefined ? 'no merged pull request found' : `merged pull request #${head.pull} found`} for ${short(sha)} by ${head.how}`);
    const headShown = head.pull === undefined ? undefined : await shownOn(ctx, octokit, head.pull);

    // Each changed target's range starts at its last recorded apply; a target never recorded may
    // take its changes from any range of the scope's records, and from the push's own range (on a
    // first rollout, or with record: false, that is all there is).
    const baseOf = (key: string): string | undefined => reviewBase(records?.get(key));
    const unrecorded = changes.some((i) => !baseOf(targetKey(i.target)));
    const pushed = ctx.settings.event.before;
    const candidates = unrecorded ? [...[...(records?.values() ?? [])].map(reviewBase), pushed] : changes.map((i) => baseOf(targetKey(i.target)));
    const bases = new Set(candidates.filter((b): b is string => !!b && b.toLowerCase() !== sha.toLowerCase()));
    const reviewedFrom = new Map<string, Set<string>>();
    const shownCache = new Map<number, Shown | undefined>();
    if (head.pull !== undefined) shownCache.set(head.pull, headShown);
    for (const base of bases) {
      const pulls = await pullsBetween(ctx, octokit, base, sha);
      const ids = new Set<string>();
      if (!pulls) log.push(`review check: GitHub cannot compare ${short(base)}...${short(sha)}; only the pushed commit's pull request counts`);
      for (const pull of pulls ?? []) {
        if (!shownCache.has(pull)) shownCache.set(pull, await shownOn(ctx, octokit, pull));
        for (const id of shownCache.get(pull)?.ids ?? []) ids.add(id);
      }
      if (pulls) log.push(`review check: commits ${short(base)}..${short(sha)} merged ${pulls.length === 0 ? 'no other pull request' : `pull request${pulls.length === 1 ? '' : 's'} ${pulls.map((p) => `#${p}`).join(', ')}`}`);
      reviewedFrom.set(base, ids);
    }

    const headIds = new Set(headShown?.ids ?? []);
    const noneShown = !headShown && [...reviewedFrom.values()].every((s) => s.size === 0);
    if (noneShown) {
      const problem =
        head.pull === undefined
          ? `No reviewed plan: ${head.how}`
          : `Pull request #${head.pull} has no plan comment from this action (comment-key ${ctx.settings.commentKey}), so nothing was reviewed (#${head.pull} found for ${short(sha)} by ${head.how})`;
      return { pull: head.pull, unreviewed: all, problem, log };
    }
    // A comment written by an earlier release carries only the fingerprint of the whole plan: compared as before.
    if (headShown && !headShown.ids && [...reviewedFrom.values()].every((s) => s.size === 0)) {
      const same = headShown.fingerprint === fingerprint;
      log.push(`review check: pull request #${head.pull} carries a plan fingerprint only; the plan ${same ? 'matches it' : 'differs from it'}`);
      return same ? { pull: head.pull, unreviewed: [], log } : { pull: head.pull, unreviewed: all, problem: `The plan differs from the one reviewed on pull request #${head.pull}: something changed since (in the workspace or on the default branch). Compared: this plan's fingerprint with the one in the pull request's comment, written by an earlier release`, log };
    }
    const unreviewed = changes
      .filter((item) => {
        const base = baseOf(targetKey(item.target));
        const ranges = base === undefined ? [...reviewedFrom.values()] : [reviewedFrom.get(base)];
        const reviewed = (id: string): boolean => headIds.has(id) || ranges.some((r) => r?.has(id) === true);
        if (!acceptedIds(item).some(reviewed)) return true;
        if (item.action === 'register' && !reviewed(idOf(item))) {
          const replace = changeId(item.target.workspaceId, item.target.namespace, item.name, 'replace', item.jarUrl);
          if (reviewed(replace)) log.push(`review check: ${describe(item)} is the register of a reviewed replace: finishing an interrupted replace (${item.reason})`);
        }
        return false;
      })
      .map(describe);
    const sources = [...shownCache.entries()].filter(([, s]) => s?.ids).map(([p]) => `#${p}`);
    log.push(`review check: ${changes.length - unreviewed.length} of ${changes.length} planned change(s) are in the reviewed set (the plans shown on ${sources.join(', ') || 'no pull request'})`);
    const found = head.pull === undefined ? `no pull request found for ${short(sha)}` : `#${head.pull} found for ${short(sha)} by ${head.how}`;
    const compared = `the plans shown on ${sources.join(', ') || 'no pull request'}, the pull requests merged since the last apply (${found})`;
    return { pull: head.pull, shown: headShown?.ids, unreviewed, compared, log };
  } catch (error) {
    return { unreviewed: all, problem: `The reviewed plan could not be read from GitHub: ${messageOf(error, secrets)}`, log };
  }
}

/** Why this run's commit must not be applied over what the record says was applied. */
export interface Staleness {
  readonly message: string;
  /** A newer commit was applied: never carried out (a diverged or unreadable history may be, with allow-unreviewed-changes). */
  readonly newer: boolean;
}

/**
 * Whether this run's commit descends from every commit the record says was applied (marks
 * included): an older commit's plan (a re-run of a failed job, say) would undo newer work.
 */
export async function staleness(ctx: RunContext, records: ReadonlyMap<string, TargetRecord>): Promise<Staleness | undefined> {
  const { octokit, secrets } = ctx.deps;
  const { owner, repo, sha } = ctx.settings.event;
  if (!octokit || !sha) return undefined;
  const targetsOf = new Map<string, string[]>();
  for (const [key, record] of records) {
    const recorded = record.sha?.toLowerCase();
    if (recorded && recorded !== sha.toLowerCase()) targetsOf.set(recorded, [...(targetsOf.get(recorded) ?? []), key]);
  }
  for (const [recorded, keys] of targetsOf) {
    const where = keys.sort().join(', ');
    let how: Ancestry;
    try {
      how = await ancestry(octokit, owner, repo, recorded, sha);
    } catch (error) {
      return { newer: false, message: `Could not tell whether this run's commit ${sha} descends from ${recorded}, the commit last applied to ${where}: ${messageOf(error, secrets)}` };
    }
    if (how === 'behind') return { newer: true, message: `${recorded}, applied to ${where}, is newer than this run's commit ${sha}: this run's plan would undo it (a re-run of an earlier apply?)` };
    if (how === 'diverged') return { newer: false, message: `The history diverged: ${recorded}, applied to ${where}, is not an ancestor of this run's commit ${sha} (was the default branch rewritten?)` };
    if (how === 'unknown') return { newer: false, message: `GitHub does not know ${recorded}, the commit last applied to ${where}, or this run's commit ${sha}, so which is newer cannot be told` };
  }
  return undefined;
}
