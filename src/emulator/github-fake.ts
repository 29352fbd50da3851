/**
 * A loopback stand-in for the few GitHub REST endpoints the action calls: PR
 * comments, the PRs of a commit, deployments with their statuses, and issues
 * with their labels (served by github-fake-issues.ts).
 *
 * It reproduces the behaviour a hand-written fake usually gets wrong, because
 * that is exactly what the code under test must cope with: `Link` pagination
 * (30 per page unless asked, at most 100), the 65,536-character comment limit,
 * authorship of comments (only the author may edit; the workflow token writes
 * as `github-actions[bot]` and may not call `GET /user`), 409 on a deployment
 * without `required_contexts: []`, and auto-inactivation of earlier deployments. What concerns
 * merges and identities (GraphQL `viewer` per kind of token, App comment authors, the lag of the
 * PR lookup, compare, `merge_commit_sha`) lives in github-fake-history.ts.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type IssuesHandle, fakeIssues } from './github-fake-issues.js';
import { listen, readBody } from './http.js';
import {
  type FakeCommitSeed,
  type FakeHistory,
  type FakeIdentity,
  type FakeMergedPull,
  appFields,
  authorOf,
  compareCommits,
  compareCommit,
  graphqlReply,
  lagging,
  pushTo,
} from './github-fake-history.js';

export type { FakeCommitSeed, FakeIdentity, FakeMergedPull } from './github-fake-history.js';

/** The groups of endpoints a failure can be injected into. */
export type FakeRoute = 'comments' | 'deployments' | 'pulls' | 'issues';
export type FakeFailureStatus = 403 | 404 | 500;

export interface FakeUser {
  readonly login: string;
  readonly type: 'Bot' | 'User';
}

export interface FakeComment {
  id: number;
  node_id: string;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
  html_url: string;
  url: string;
  issue_url: string;
  performed_via_github_app?: { slug: string; name: string } | null;
}

export interface FakePullSeed {
  readonly number: number;
  readonly merged_at?: string | null;
  readonly state?: 'open' | 'closed';
  readonly head?: { readonly sha: string; readonly ref?: string };
  readonly base?: { readonly ref: string };
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  merged_at: string | null;
  title: string;
  html_url: string;
  url: string;
  head: { sha: string; ref: string };
  base: { ref: string };
}

export const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
export type FakeDeploymentState = (typeof DEPLOYMENT_STATES)[number];

export interface FakeDeploymentStatus {
  id: number;
  node_id: string;
  state: FakeDeploymentState;
  description: string;
  environment: string;
  log_url: string;
  target_url: string;
  environment_url: string;
  creator: FakeUser;
  created_at: string;
  updated_at: string;
  url: string;
  deployment_url: string;
  repository_url: string;
}

export interface FakeDeployment {
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: FakeUser;
  created_at: string;
  updated_at: string;
  transient_environment: boolean;
  production_environment: boolean;
  url: string;
  statuses_url: string;
  repository_url: string;
}

/** A deployment as `deployments()` returns it: with its statuses, newest first. */
export interface FakeDeploymentWithStatuses extends FakeDeployment {
  statuses: FakeDeploymentStatus[];
}

export interface FakeRequestLogEntry {
  readonly method: string;
  /** Path with its query string, e.g. `/repos/o/r/issues/1/comments?per_page=100&page=2`. */
  readonly path: string;
  readonly status: number;
}

export interface GitHubFakeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The only token accepted (as `token X` or `Bearer X`). When omitted, any non-empty token is. */
  token?: string;
  /** Who the workflow token writes as. Default `github-actions[bot]`. */
  botLogin?: string;
  /**
   * Behave like a personal access token of this user: `GET /user` answers with
   * it and comments/deployments are authored by it. When omitted, `GET /user`
   * is 403 as it is for the workflow's `GITHUB_TOKEN`.
   */
  userLogin?: string;
  /** The branch a non-SHA deployment ref is auto-merged with (see POST deployments). Default `main`. */
  defaultBranch?: string;
  /**
   * The kind of token, answered like GitHub does for each (GraphQL `viewer`, `GET /user`, comment
   * authors). Overrides `botLogin`/`userLogin`.
   */
  identity?: FakeIdentity;
}

export interface GitHubFakeHandle extends IssuesHandle {
  /** Base URL to use as `GITHUB_API_URL`, without a trailing slash. */
  readonly url: string;
  /** The comments of an issue or PR, oldest first (copies). */
  comments(owner: string, repo: string, issue: number): FakeComment[];
  /** Seeds a comment, by default from a human user `octocat`. */
  addComment(owner: string, repo: string, issue: number, body: string, user?: FakeUser): FakeComment;
  setPullsForCommit(owner: string, repo: string, sha: string, pulls: readonly FakePullSeed[]): void;
  /** Deployments newest first, each with its statuses newest first (copies). */
  deployments(owner: string, repo: string): FakeDeploymentWithStatuses[];
  /**
   * The next `times` requests to `route` (only those with `method`, when given) fail with `status`,
   * after the first `after` of them have been answered. With `afterServing`, each is carried out
   * first and only its answer is the failure (a lost answer).
   */
  failNext(route: FakeRoute, status: FakeFailureStatus, times?: number, method?: string, options?: { after?: number; afterServing?: boolean }): void;
  /** Every request to `route` (with `method`, when given) fails with `status` until `allow`, or the next `times` ones. */
  deny(route: FakeRoute, status: FakeFailureStatus, times?: number, method?: string): void;
  allow(route: FakeRoute): void;
  /** Every request answered so far, in order (a copy). */
  requests(): FakeRequestLogEntry[];
  /** Appends commits to the default branch's history (for the compare API); known commits are not added twice. */
  pushCommits(owner: string, repo: string, commits: readonly FakeCommitSeed[]): void;
  /** Rewrites the default branch after commit `from` with `commits` (a force push): the commits it drops stay known, off the branch. */
  forcePush(owner: string, repo: string, from: string, commits: readonly FakeCommitSeed[]): void;
  /** A merged pull request, as `GET /pulls/{n}` answers it (also listed for its merge commit). */
  addMergedPull(owner: string, repo: string, pull: FakeMergedPull): void;
  /** The next `times` calls of `GET /commits/{sha}/pulls` answer an empty list, as right after a merge. */
  lagPullsForCommit(owner: string, repo: string, sha: string, times: number): void;
  close(): Promise<void>;
}

const DOCS_URL = 'https://docs.github.com/rest';
export const COMMENT_MAX_CHARS = 65_536;
const DEPLOYMENT_PAYLOAD_MAX_CHARS = 65_535;
/** Request bodies beyond this are cut off (GitHub's own limits are far below it for these endpoints). */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const STATUS_DESCRIPTION_MAX_CHARS = 140;
const ENVIRONMENT_MAX_CHARS = 255;
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const HUMAN: FakeUser = { login: 'octocat', type: 'User' };

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface DeploymentEntry {
  readonly deployment: FakeDeployment;
  /** Oldest first. */
  readonly statuses: FakeDeploymentStatus[];
}

interface RepoState {
  readonly owner: string;
  readonly repo: string;
  readonly comments: Map<number, FakeComment[]>;
  readonly pulls: Map<string, FakePull[]>;
  /** Oldest first. */
  readonly deployments: DeploymentEntry[];
  readonly history: FakeHistory;
}

export interface RequestContext {
  readonly method: string;
  readonly url: URL;
  /** Scheme and host the client used, for absolute URLs in `Link`. */
  readonly base: string;
  readonly caller: FakeUser;
  readonly json: Record<string, unknown>;
  readonly params: readonly string[];
}

export interface RouteDef {
  readonly pattern: RegExp;
  readonly group: FakeRoute | 'user' | 'history';
  readonly methods: Readonly<Record<string, (ctx: RequestContext) => Reply>>;
}

/** GitHub counts characters, not UTF-16 units. */
export function charCount(text: string): number {
  return Array.from(text).length;
}

/** Second precision, like GitHub's timestamps. */
export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isSha(ref: string): boolean {
  return /^[0-9a-f]{40}$/i.test(ref);
}

export function errorReply(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { message, ...extra, documentation_url: DOCS_URL, status: String(status) } };
}

export function validationFailed(errors: readonly Record<string, unknown>[]): Reply {
  return errorReply(422, 'Validation Failed', { errors });
}

const FAILURE_MESSAGES: Readonly<Record<FakeFailureStatus, string>> = {
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  500: 'Server Error',
};

function positiveInt(raw: string | null, fallback: number): number {
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

/** One page of `items` plus the `Link` header GitHub would send with it. */
export function pageOf<T>(items: readonly T[], url: URL, base: string): { items: T[]; link?: string } {
  const perPage = Math.min(positiveInt(url.searchParams.get('per_page'), DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const page = positiveInt(url.searchParams.get('page'), 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const linkTo = (p: number, rel: string): string => {
    const target = new URL(url.pathname + url.search, base);
    target.searchParams.set('page', String(p));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(linkTo(Math.min(page - 1, lastPage), 'prev'));
  if (page < lastPage) links.push(linkTo(page + 1, 'next'), linkTo(lastPage, 'last'));
  if (page > 1) links.push(linkTo(1, 'first'));
  const start = (page - 1) * perPage;
  return { items: items.slice(start, start + perPage), link: links.length > 0 ? links.join(', ') : undefined };
}

export function pagedReply<T>(items: readonly T[], ctx: RequestContext): Reply {
  const { items: page, link } = pageOf(items, ctx.url, ctx.base);
  return { status: 200, body: page, headers: link ? { link } : undefined };
}


function credentialOf(header: string | undefined): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFakeHandle> {
  const botLogin = options.botLogin ?? 'github-actions[bot]';
  const defaultBranch = options.defaultBranch ?? 'main';
  const caller: FakeUser = options.identity
    ? authorOf(options.identity)
    : options.userLogin
      ? { login: options.userLogin, type: 'User' }
      : { login: botLogin, type: 'Bot' };
  const identity: FakeIdentity =
    options.identity ?? (options.userLogin ? { kind: 'pat', login: options.userLogin } : { kind: 'workflow' });
  const repos = new Map<string, RepoState>();
  const log: FakeRequestLogEntry[] = [];
  const failures = new Map<FakeRoute, { status: FakeFailureStatus; remaining: number; method?: string; after: number; afterServing?: boolean }>();
  let nextId = 1000;
  let baseUrl = '';

  const repoState = (owner: string, repo: string): RepoState => {
    // Owner and repository names are case-insensitive on GitHub.
    const key = `${owner}/${repo}`.toLowerCase();
    let state = repos.get(key);
    if (!state) {
      state = { owner, repo, comments: new Map(), pulls: new Map(), deployments: [], history: { commits: new Map(), pulls: new Map(), lag: new Map() } };
      repos.set(key, state);
    }
    return state;
  };

  const repoUrl = (s: RepoState): string => `${baseUrl}/repos/${s.owner}/${s.repo}`;

  const issueComments = (s: RepoState, issue: number): FakeComment[] => {
    let list = s.comments.get(issue);
    if (!list) {
      list = [];
      s.comments.set(issue, list);
    }
    return list;
  };

  const newComment = (s: RepoState, issue: number, body: string, user: FakeUser): FakeComment => {
    const id = nextId++;
    const now = timestamp();
    const comment: FakeComment = {
      id,
      node_id: `IC_fake${id}`,
      body,
      user: { ...user },
      created_at: now,
      updated_at: now,
      html_url: `https://github.com/${s.owner}/${s.repo}/pull/${issue}#issuecomment-${id}`,
      url: `${repoUrl(s)}/issues/comments/${id}`,
      issue_url: `${repoUrl(s)}/issues/${issue}`,
      ...(user.login === caller.login ? appFields(identity) : { performed_via_github_app: null }),
    };
    issueComments(s, issue).push(comment);
    return comment;
  };

  const findComment = (s: RepoState, id: number): FakeComment | undefined => {
    for (const list of s.comments.values()) {
      const found = list.find((c) => c.id === id);
      if (found) return found;
    }
    return undefined;
  };

  const bodyTooLong = (resource: string, field: string, max: number): Reply =>
    validationFailed([
      { resource, code: 'custom', field, message: `${field} is too long (maximum is ${max} characters)` },
    ]);

  const checkCommentBody = (body: unknown): Reply | undefined => {
    if (typeof body !== 'string') {
      return validationFailed([{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
    }
    if (charCount(body) > COMMENT_MAX_CHARS) return bodyTooLong('IssueComment', 'body', COMMENT_MAX_CHARS);
    return undefined;
  };

  const findDeployment = (s: RepoState, id: number): DeploymentEntry | undefined =>
    s.deployments.find((d) => d.deployment.id === id);

  const addStatus = (
    s: RepoState,
    entry: DeploymentEntry,
    fields: { state: FakeDeploymentState; description: string; logUrl: string; environmentUrl: string },
  ): FakeDeploymentStatus => {
    const id = nextId++;
    const now = timestamp();
    const status: FakeDeploymentStatus = {
      id,
      node_id: `DES_fake${id}`,
      state: fields.state,
      description: fields.description,
      environment: entry.deployment.environment,
      log_url: fields.logUrl,
      target_url: fields.logUrl,
      environment_url: fields.environmentUrl,
      creator: { ...caller },
      created_at: now,
      updated_at: now,
      url: `${entry.deployment.url}/statuses/${id}`,
      deployment_url: entry.deployment.url,
      repository_url: repoUrl(s),
    };
    entry.statuses.push(status);
    entry.deployment.updated_at = now;
    return status;
  };

  const pullBody = (s: RepoState, p: FakeMergedPull): FakePull & { merge_commit_sha: string } => ({
    number: p.number,
    state: 'closed',
    merged_at: p.merged_at ?? '2025-01-01T00:00:00Z',
    merge_commit_sha: p.merge_commit_sha,
    title: `Pull request #${p.number}`,
    html_url: `https://github.com/${s.owner}/${s.repo}/pull/${p.number}`,
    url: `${repoUrl(s)}/pulls/${p.number}`,
    head: { sha: p.head?.sha ?? 'f'.repeat(40), ref: p.head?.ref ?? `topic-${p.number}` },
    base: { ref: defaultBranch },
  });

  const stateOf = (ctx: RequestContext): RepoState => repoState(ctx.params[0] ?? '', ctx.params[1] ?? '');

  const issues = fakeIssues({
    nextId: () => nextId++,
    repoUrl: (owner, repo) => repoUrl(repoState(owner, repo)),
    takenNumbers: (owner, repo) => {
      const s = repoState(owner, repo);
      return [...s.comments.keys(), ...[...s.pulls.values()].flat().map((p) => p.number)];
    },
    commentCount: (owner, repo, issue) => repoState(owner, repo).comments.get(issue)?.length ?? 0,
  });

  const routes: readonly RouteDef[] = [
    {
      pattern: /^\/user$/,
      group: 'user',
      methods: {
        GET: () =>
          identity.kind === 'pat'
            ? { status: 200, body: { login: identity.login, id: 1, type: 'User' } }
            : errorReply(403, 'Resource not accessible by integration'),
      },
    },
    {
      pattern: /^\/graphql$/,
      group: 'user',
      methods: { POST: (ctx) => graphqlReply(identity, ctx.json) },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      group: 'history',
      methods: {
        GET: (ctx) => {
          const pull = stateOf(ctx).history.pulls.get(Number(ctx.params[2]));
          return pull ? { status: 200, body: pullBody(stateOf(ctx), pull) } : errorReply(404, 'Not Found');
        },
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-fA-F]{40})$/,
      group: 'history',
      methods: {
        GET: (ctx) => {
          const sha = (ctx.params[2] ?? '').toLowerCase();
          const commit = stateOf(ctx).history.commits.get(sha);
          return commit ? { status: 200, body: compareCommit(commit) } : errorReply(404, 'No commit found for SHA: ' + sha);
        },
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/compare\/([^/]+)\.\.\.([^/]+)$/,
      group: 'history',
      methods: {
        GET: (ctx) => {
          const compared = compareCommits(stateOf(ctx).history, ctx.params[2] ?? '', ctx.params[3] ?? '');
          if (!compared) return errorReply(404, 'Not Found');
          const { commits, ...counts } = compared;
          const { items, link } = pageOf(commits, ctx.url, ctx.base);
          const body = { ...counts, total_commits: commits.length, commits: items.map(compareCommit), files: [] };
          return { status: 200, body, headers: link ? { link } : undefined };
        },
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      group: 'comments',
      methods: {
        GET: (ctx) => pagedReply(issueComments(stateOf(ctx), Number(ctx.params[2])), ctx),
        POST: (ctx) => {
          const invalid = checkCommentBody(ctx.json['body']);
          if (invalid) return invalid;
          const comment = newComment(stateOf(ctx), Number(ctx.params[2]), String(ctx.json['body']), ctx.caller);
          return { status: 201, body: comment, headers: { location: comment.url } };
        },
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      group: 'comments',
      methods: {
        GET: (ctx) => {
          const comment = findComment(stateOf(ctx), Number(ctx.params[2]));
          return comment ? { status: 200, body: comment } : errorReply(404, 'Not Found');
        },
        PATCH: (ctx) => {
          const comment = findComment(stateOf(ctx), Number(ctx.params[2]));
          if (!comment) return errorReply(404, 'Not Found');
          if (comment.user.login.toLowerCase() !== ctx.caller.login.toLowerCase()) {
            return errorReply(403, 'Resource not accessible by integration');
          }
          const invalid = checkCommentBody(ctx.json['body']);
          if (invalid) return invalid;
          comment.body = String(ctx.json['body']);
          comment.updated_at = timestamp();
          return { status: 200, body: comment };
        },
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/pulls$/,
      group: 'pulls',
      methods: {
        GET: (ctx) => {
          const s = stateOf(ctx);
          const sha = (ctx.params[2] ?? '').toLowerCase();
          if (lagging(s.history, sha)) return pagedReply([], ctx);
          return pagedReply(s.pulls.get(sha) ?? [], ctx);
        },
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/deployments$/,
      group: 'deployments',
      methods: {
        GET: (ctx) => {
          const q = ctx.url.searchParams;
          const matches = (field: 'environment' | 'ref' | 'sha' | 'task', value: string): boolean => {
            const wanted = q.get(field);
            return wanted === null || wanted === '' || wanted === value;
          };
          const list = stateOf(ctx)
            .deployments.map((d) => d.deployment)
            .filter(
              (d) =>
                matches('environment', d.environment) &&
                matches('ref', d.ref) &&
                matches('sha', d.sha) &&
                matches('task', d.task),
            )
            .reverse();
          return pagedReply(list, ctx);
        },
        POST: (ctx) => createDeployment(ctx),
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)$/,
      group: 'deployments',
      methods: {
        GET: (ctx) => {
          const entry = findDeployment(stateOf(ctx), Number(ctx.params[2]));
          return entry ? { status: 200, body: entry.deployment } : errorReply(404, 'Not Found');
        },
      },
    },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/,
      group: 'deployments',
      methods: {
        GET: (ctx) => {
          const entry = findDeployment(stateOf(ctx), Number(ctx.params[2]));
          return entry ? pagedReply([...entry.statuses].reverse(), ctx) : errorReply(404, 'Not Found');
        },
        POST: (ctx) => createStatus(ctx),
      },
    },
    ...issues.routes,
  ];

  function createDeployment(ctx: RequestContext): Reply {
    const s = stateOf(ctx);
    const { ref, environment, payload, description, task } = ctx.json;
    if (typeof ref !== 'string' || ref === '') {
      return validationFailed([{ resource: 'Deployment', code: 'missing_field', field: 'ref' }]);
    }
    const contexts = ctx.json['required_contexts'];
    // Without an explicit empty list GitHub checks the ref's commit statuses; the
    // workflow asking is itself still pending, so the real answer is 409.
    if (!Array.isArray(contexts) || contexts.length > 0) {
      return errorReply(409, `Conflict: Commit status checks failed for ${ref}.`, {
        errors: [
          {
            contexts: [{ context: 'continuous-integration', state: 'pending' }],
            resource: 'Deployment',
            field: 'required_contexts',
          },
        ],
      });
    }
    // auto_merge defaults to true: a branch ref (other than the default branch)
    // is treated as behind it, so GitHub merges instead of deploying.
    if (ctx.json['auto_merge'] !== false && ref !== defaultBranch && !isSha(ref)) {
      return { status: 202, body: { message: `Auto-merged ${defaultBranch} into ${ref} on deployment.` } };
    }
    // GitHub keeps a deployment payload of at most 65,535 characters of JSON.
    if (payload !== undefined && JSON.stringify(payload).length > DEPLOYMENT_PAYLOAD_MAX_CHARS) {
      return validationFailed([{ resource: 'Deployment', code: 'custom', field: 'payload', message: 'payload is too large' }]);
    }
    const env = typeof environment === 'string' && environment !== '' ? environment : 'production';
    if (charCount(env) > ENVIRONMENT_MAX_CHARS) return bodyTooLong('Deployment', 'environment', ENVIRONMENT_MAX_CHARS);
    const id = nextId++;
    const now = timestamp();
    const url = `${repoUrl(s)}/deployments/${id}`;
    const deployment: FakeDeployment = {
      id,
      node_id: `DE_fake${id}`,
      sha: isSha(ref) ? ref.toLowerCase() : createHash('sha1').update(`${s.owner}/${s.repo}@${ref}`).digest('hex'),
      ref,
      task: typeof task === 'string' && task !== '' ? task : 'deploy',
      payload: payload === undefined ? {} : payload,
      original_environment: env,
      environment: env,
      description: typeof description === 'string' ? description : null,
      creator: { ...ctx.caller },
      created_at: now,
      updated_at: now,
      transient_environment: ctx.json['transient_environment'] === true,
      production_environment:
        typeof ctx.json['production_environment'] === 'boolean'
          ? ctx.json['production_environment']
          : env === 'production',
      url,
      statuses_url: `${url}/statuses`,
      repository_url: repoUrl(s),
    };
    s.deployments.push({ deployment, statuses: [] });
    return { status: 201, body: deployment };
  }

  function createStatus(ctx: RequestContext): Reply {
    const s = stateOf(ctx);
    const entry = findDeployment(s, Number(ctx.params[2]));
    if (!entry) return errorReply(404, 'Not Found');
    const { state, description, log_url, target_url, environment_url } = ctx.json;
    if (typeof state !== 'string' || !(DEPLOYMENT_STATES as readonly string[]).includes(state)) {
      return validationFailed([{ resource: 'DeploymentStatus', code: 'invalid', field: 'state' }]);
    }
    const text = typeof description === 'string' ? description : '';
    if (charCount(text) > STATUS_DESCRIPTION_MAX_CHARS) {
      return bodyTooLong('DeploymentStatus', 'description', STATUS_DESCRIPTION_MAX_CHARS);
    }
    const logUrl = typeof log_url === 'string' ? log_url : typeof target_url === 'string' ? target_url : '';
    const status = addStatus(s, entry, {
      state: state as FakeDeploymentState,
      description: text,
      logUrl,
      environmentUrl: typeof environment_url === 'string' ? environment_url : '',
    });
    if (state === 'success' && ctx.json['auto_inactive'] !== false) {
      for (const other of s.deployments) {
        const latest = other.statuses.at(-1);
        if (
          other !== entry &&
          other.deployment.environment === entry.deployment.environment &&
          !other.deployment.transient_environment &&
          latest?.state === 'success'
        ) {
          addStatus(s, other, { state: 'inactive', description: '', logUrl: latest.log_url, environmentUrl: '' });
        }
      }
    }
    return { status: 201, body: status };
  }

  function dispatch(method: string, url: URL, base: string, auth: string | undefined, raw: string): Reply {
    const credential = credentialOf(auth);
    if (!credential || (options.token !== undefined && credential !== options.token)) {
      return errorReply(401, 'Bad credentials');
    }
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const handler = route.methods[method];
      if (!handler) return errorReply(404, 'Not Found');
      let failAfter: FakeFailureStatus | undefined;
      if (route.group !== 'user' && route.group !== 'history') {
        const failure = failures.get(route.group);
        if (failure && failure.remaining > 0 && (failure.method === undefined || failure.method === method) && failure.after-- <= 0) {
          failure.remaining--;
          if (!failure.afterServing) return errorReply(failure.status, FAILURE_MESSAGES[failure.status]);
          failAfter = failure.status;
        }
      }
      let json: unknown = {};
      if (raw.trim() !== '') {
        try {
          json = JSON.parse(raw);
        } catch {
          return errorReply(400, 'Problems parsing JSON');
        }
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return errorReply(400, 'Problems parsing JSON');
      }
      const params = match.slice(1).map((p) => decodeURIComponent(p));
      const reply = handler({ method, url, base, caller, json: json as Record<string, unknown>, params });
      return failAfter === undefined ? reply : errorReply(failAfter, FAILURE_MESSAGES[failAfter]);
    }
    return errorReply(404, 'Not Found');
  }

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const base = `http://${req.headers.host ?? new URL(baseUrl).host}`;
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    let reply: Reply;
    try {
      reply = dispatch(method, url, base, req.headers.authorization, ((await readBody(req, MAX_REQUEST_BYTES)) ?? Buffer.alloc(0)).toString('utf8'));
    } catch {
      reply = errorReply(500, 'Server Error');
    }
    log.push({ method, path: url.pathname + url.search, status: reply.status });
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    void onRequest(req, res);
  });
  baseUrl = `http://${await listen(server, '127.0.0.1', options.port ?? 0)}`;

  const setFailure = (route: FakeRoute, status: FakeFailureStatus, times: number, method?: string, options: { after?: number; afterServing?: boolean } = {}): void => {
    failures.set(route, { status, remaining: times, method: method?.toUpperCase(), after: options.after ?? 0, afterServing: options.afterServing });
  };

  return {
    ...issues.handle,
    url: baseUrl,
    comments: (owner, repo, issue) => structuredClone(issueComments(repoState(owner, repo), issue)),
    addComment: (owner, repo, issue, body, user = HUMAN) =>
      structuredClone(newComment(repoState(owner, repo), issue, body, user)),
    setPullsForCommit: (owner, repo, sha, pulls) => {
      const s = repoState(owner, repo);
      s.pulls.set(
        sha.toLowerCase(),
        pulls.map((p) => ({
          number: p.number,
          state: p.state ?? (p.merged_at ? 'closed' : 'open'),
          merged_at: p.merged_at ?? null,
          title: `Pull request #${p.number}`,
          html_url: `https://github.com/${s.owner}/${s.repo}/pull/${p.number}`,
          url: `${repoUrl(s)}/pulls/${p.number}`,
          head: { sha: p.head?.sha ?? sha, ref: p.head?.ref ?? `topic-${p.number}` },
          base: { ref: p.base?.ref ?? defaultBranch },
        })),
      );
    },
    deployments: (owner, repo) =>
      structuredClone(
        repoState(owner, repo)
          .deployments.map((d) => ({ ...d.deployment, statuses: [...d.statuses].reverse() }))
          .reverse(),
      ),
    failNext: (route, status, times = 1, method, options) => setFailure(route, status, times, method, options),
    deny: (route, status, times = Number.POSITIVE_INFINITY, method) => setFailure(route, status, times, method),
    allow: (route) => {
      failures.delete(route);
    },
    requests: () => log.map((entry) => ({ ...entry })),
    pushCommits: (owner, repo, commits) => pushTo(repoState(owner, repo).history, commits),
    forcePush: (owner, repo, from, commits) => pushTo(repoState(owner, repo).history, commits, from),
    addMergedPull: (owner, repo, pull) => {
      const s = repoState(owner, repo);
      s.history.pulls.set(pull.number, pull);
      const sha = pull.merge_commit_sha.toLowerCase();
      s.pulls.set(sha, [...(s.pulls.get(sha) ?? []).filter((p) => p.number !== pull.number), pullBody(s, pull)]);
    },
    lagPullsForCommit: (owner, repo, sha, times) => {
      repoState(owner, repo).history.lag.set(sha.toLowerCase(), times);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Clients keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
