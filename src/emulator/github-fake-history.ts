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

export interface FakeMergedPull {
  readonly number: number;
  readonly merge_commit_sha: string;
  readonly merged_at?: string;
  readonly head?: { readonly sha: string; readonly ref?: string };
}

export interface FakeHistory {
  /** The default branch, oldest commit first (the first-parent line). */
  commits: FakeCommitSeed[];
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

/**
 * The commits after `base` up to and including `head` on the default branch, or undefined when
 * either is unknown (GitHub answers 404).
 */
export function commitsBetween(history: FakeHistory, base: string, head: string): FakeCommitSeed[] | undefined {
  const at = (sha: string): number => history.commits.findIndex((c) => c.sha.toLowerCase() === sha.toLowerCase());
  const from = at(base);
  const to = at(head);
  if (from < 0 || to < 0) return undefined;
  return from >= to ? [] : history.commits.slice(from + 1, to + 1);
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
