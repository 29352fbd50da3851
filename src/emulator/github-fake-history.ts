/**
 * The part of the GitHub fake that answers "what was merged, by whom, and who am I": the
 * default branch's history (for the compare API), pull requests with their `merge_commit_sha`,
 * the lag of `GET /commits/{sha}/pulls` right after a merge, and GraphQL `viewer`. Kept apart from
 * the comments and deployments of github-fake.ts.
 */

/** Who the token belongs to, as GitHub sees each kind of token. */
export type FakeIdentity =
  | { readonly kind: 'workflow' }
  | { readonly kind: 'app'; readonly slug: string }
  | { readonly kind: 'pat'; readonly login: string };

export interface FakeCommitSeed {
  readonly sha: string;
  readonly message: string;
}

/** A commit GitHub knows, with its first parent (none for the root). */
export interface FakeCommit extends FakeCommitSeed {
  readonly parent?: string;
}

export interface FakeMergedPull {
  readonly number: number;
  readonly merge_commit_sha: string;
  readonly merged_at?: string;
  readonly head?: { readonly sha: string; readonly ref?: string };
}

export interface FakeHistory {
  /** Every commit GitHub knows, by lower-case sha: the default branch's and any it no longer holds. */
  readonly commits: Map<string, FakeCommit>;
  /** The default branch's head, when it has commits. */
  head?: string;
  /** Pull requests by number, as `GET /pulls/{n}` answers them. */
  readonly pulls: Map<number, FakeMergedPull>;
  /** How many more `GET /commits/{sha}/pulls` calls answer an empty list, per commit. */
  readonly lag: Map<string, number>;
}

/** The login GitHub reports for the token (`GET /user` when it works, GraphQL `viewer`). */
export function viewerLogin(identity: FakeIdentity): string {
  if (identity.kind === 'app') return `${identity.slug}[bot]`;
  if (identity.kind === 'pat') return identity.login;
  return 'github-actions';
}

/** The author of what the token writes: comments, deployments. */
export function authorOf(identity: FakeIdentity): { login: string; type: 'Bot' | 'User' } {
  if (identity.kind === 'pat') return { login: identity.login, type: 'User' };
  return { login: identity.kind === 'app' ? `${identity.slug}[bot]` : 'github-actions[bot]', type: 'Bot' };
}

/** Extra fields of a comment written by an app (`performed_via_github_app`). */
export function appFields(identity: FakeIdentity): Record<string, unknown> {
  if (identity.kind === 'workflow') return { performed_via_github_app: { slug: 'github-actions', name: 'GitHub Actions' } };
  if (identity.kind === 'app') return { performed_via_github_app: { slug: identity.slug, name: identity.slug } };
  return { performed_via_github_app: null };
}

/** `POST /graphql`: only `{ viewer { login } }` is understood. */
export function graphqlReply(identity: FakeIdentity, json: Record<string, unknown>): { status: number; body: unknown } {
  const query = typeof json['query'] === 'string' ? json['query'] : '';
  if (!/\bviewer\s*\{\s*login\s*\}/.test(query)) {
    return { status: 200, body: { errors: [{ message: 'The fake understands only { viewer { login } }' }] } };
  }
  return { status: 200, body: { data: { viewer: { login: viewerLogin(identity) } } } };
}

/** Appends commits to the default branch (or, `from` a commit, rewrites it from there: a force push). Known commits are not added twice. */
export function pushTo(history: FakeHistory, commits: readonly FakeCommitSeed[], from?: string): void {
  if (from !== undefined) history.head = from.toLowerCase();
  for (const c of commits) {
    const sha = c.sha.toLowerCase();
    if (history.commits.has(sha)) continue;
    history.commits.set(sha, { sha, message: c.message, parent: history.head });
    history.head = sha;
  }
}

/** `sha` and its first-parent ancestors, newest first. */
function lineOf(history: FakeHistory, sha: string): FakeCommit[] {
  const line: FakeCommit[] = [];
  for (let c = history.commits.get(sha.toLowerCase()); c; c = c.parent === undefined ? undefined : history.commits.get(c.parent)) line.push(c);
  return line;
}

export interface FakeComparison {
  readonly status: 'identical' | 'ahead' | 'behind' | 'diverged';
  readonly ahead_by: number;
  readonly behind_by: number;
  /** The commits `head` has and `base` has not, oldest first. */
  readonly commits: FakeCommit[];
}

/**
 * What `GET /compare/{base}...{head}` answers, over first parents: the commits after their merge
 * base up to and including `head`; undefined when either commit is unknown (GitHub answers 404).
 */
export function compareCommits(history: FakeHistory, base: string, head: string): FakeComparison | undefined {
  const fromBase = lineOf(history, base);
  const fromHead = lineOf(history, head);
  if (fromBase.length === 0 || fromHead.length === 0) return undefined;
  const inBase = new Set(fromBase.map((c) => c.sha));
  const at = fromHead.findIndex((c) => inBase.has(c.sha));
  const ahead = (at < 0 ? fromHead : fromHead.slice(0, at)).reverse();
  const mergeBase = fromHead[at];
  const behind = mergeBase === undefined ? fromBase.length : fromBase.findIndex((c) => c.sha === mergeBase.sha);
  const status = ahead.length === 0 ? (behind === 0 ? 'identical' : 'behind') : behind === 0 ? 'ahead' : 'diverged';
  return { status, ahead_by: ahead.length, behind_by: behind, commits: ahead };
}

/** A commit as the compare API lists it. */
export function compareCommit(c: FakeCommitSeed): Record<string, unknown> {
  return { sha: c.sha, commit: { message: c.message, author: { name: 'dev', date: '2025-01-01T00:00:00Z' } } };
}

/** Whether this call of `GET /commits/{sha}/pulls` still lags (and counts it). */
export function lagging(history: FakeHistory, sha: string): boolean {
  const left = history.lag.get(sha.toLowerCase()) ?? 0;
  if (left <= 0) return false;
  history.lag.set(sha.toLowerCase(), left - 1);
  return true;
}
