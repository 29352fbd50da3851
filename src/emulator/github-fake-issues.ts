/**
 * The issues and labels endpoints of the GitHub fake, as GitHub serves them: issues and pull
 * requests share one number space and one listing (a pull request carries a `pull_request` key),
 * the listing filters by `labels=` (all of them, case-insensitively) and `state=` (default `open`),
 * sorts newest first and pages with `Link`; bodies are limited to 65,536 characters; closing sets
 * `state_reason` (default `completed`) and reopening sets `reopened`; creating a label that exists
 * is 422 `already_exists`. A label named on an issue but missing from the repository is dropped
 * silently, as GitHub does for a token that may not create labels: code must create it first.
 * Comments on issues are served by the comment routes of the fake.
 */
import {
  COMMENT_MAX_CHARS,
  type FakeUser,
  type Reply,
  type RequestContext,
  type RouteDef,
  charCount,
  errorReply,
  pagedReply,
  timestamp,
  validationFailed,
} from './github-fake.js';

export interface FakeLabel {
  id: number;
  node_id: string;
  url: string;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export const ISSUE_STATE_REASONS = ['completed', 'not_planned', 'duplicate', 'reopened'] as const;

export interface FakeIssue {
  id: number;
  node_id: string;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: (typeof ISSUE_STATE_REASONS)[number] | null;
  labels: FakeLabel[];
  user: FakeUser;
  comments: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  html_url: string;
  url: string;
  comments_url: string;
  repository_url: string;
  pull_request?: { url: string; html_url: string };
}

export interface FakeIssueSeed {
  readonly title?: string;
  readonly body?: string;
  /** Label names; missing labels are created for a seed. */
  readonly labels?: readonly string[];
  readonly state?: 'open' | 'closed';
  /** Default: the human `octocat`. */
  readonly user?: FakeUser;
  /** Seed a pull request, which the issues listing includes. */
  readonly pullRequest?: boolean;
}

export interface IssuesHandle {
  /** Issues and seeded pull requests, oldest first (copies, with the current comment count). */
  issues(owner: string, repo: string): FakeIssue[];
  addIssue(owner: string, repo: string, seed?: FakeIssueSeed): FakeIssue;
  labels(owner: string, repo: string): FakeLabel[];
}

export interface IssuesDeps {
  readonly nextId: () => number;
  /** `…/repos/{owner}/{repo}` of the fake. */
  readonly repoUrl: (owner: string, repo: string) => string;
  /** Numbers other parts of the fake already use (pull requests, commented numbers). */
  readonly takenNumbers: (owner: string, repo: string) => Iterable<number>;
  readonly commentCount: (owner: string, repo: string, issue: number) => number;
}

const HUMAN: FakeUser = { login: 'octocat', type: 'User' };

interface IssueRepo {
  readonly owner: string;
  readonly repo: string;
  readonly issues: FakeIssue[];
  readonly labels: FakeLabel[];
}

export function fakeIssues(deps: IssuesDeps): { routes: RouteDef[]; handle: IssuesHandle } {
  const repos = new Map<string, IssueRepo>();

  const repoOf = (owner: string, repo: string): IssueRepo => {
    const key = `${owner}/${repo}`.toLowerCase();
    let state = repos.get(key);
    if (!state) {
      state = { owner, repo, issues: [], labels: [] };
      repos.set(key, state);
    }
    return state;
  };
  const stateOf = (ctx: RequestContext): IssueRepo => repoOf(ctx.params[0] ?? '', ctx.params[1] ?? '');
  const withCount = (r: IssueRepo, issue: FakeIssue): FakeIssue => ({ ...issue, comments: deps.commentCount(r.owner, r.repo, issue.number) });
  const findLabel = (r: IssueRepo, name: string): FakeLabel | undefined => r.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());

  const newLabel = (r: IssueRepo, name: string, color: string, description: string | null): FakeLabel => {
    const id = deps.nextId();
    const label: FakeLabel = { id, node_id: `LA_fake${id}`, url: `${deps.repoUrl(r.owner, r.repo)}/labels/${encodeURIComponent(name)}`, name, color, description, default: false };
    r.labels.push(label);
    return label;
  };

  /** Names or `{name}` objects, as the API accepts them; unknown labels are dropped. */
  const labelsOf = (r: IssueRepo, raw: unknown): FakeLabel[] | Reply => {
    if (!Array.isArray(raw)) return validationFailed([{ resource: 'Issue', code: 'invalid', field: 'labels' }]);
    const found: FakeLabel[] = [];
    for (const entry of raw as unknown[]) {
      const name = typeof entry === 'string' ? entry : (entry as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return validationFailed([{ resource: 'Issue', code: 'invalid', field: 'labels' }]);
      const label = findLabel(r, name);
      if (label && !found.includes(label)) found.push(label);
    }
    return found;
  };

  const checkBody = (body: unknown): Reply | undefined => {
    if (body !== undefined && body !== null && typeof body !== 'string') return validationFailed([{ resource: 'Issue', code: 'invalid', field: 'body' }]);
    if (typeof body === 'string' && charCount(body) > COMMENT_MAX_CHARS) {
      return validationFailed([{ resource: 'Issue', code: 'custom', field: 'body', message: `body is too long (maximum is ${COMMENT_MAX_CHARS} characters)` }]);
    }
    return undefined;
  };

  const newIssue = (r: IssueRepo, fields: { title: string; body: string | null; labels: FakeLabel[]; user: FakeUser; pullRequest?: boolean }): FakeIssue => {
    const number = Math.max(0, ...r.issues.map((i) => i.number), ...deps.takenNumbers(r.owner, r.repo)) + 1;
    const id = deps.nextId();
    const now = timestamp();
    const url = `${deps.repoUrl(r.owner, r.repo)}/issues/${number}`;
    const kind = fields.pullRequest ? 'pull' : 'issues';
    const issue: FakeIssue = {
      id,
      node_id: `${fields.pullRequest ? 'PR' : 'I'}_fake${id}`,
      number,
      title: fields.title,
      body: fields.body,
      state: 'open',
      state_reason: null,
      labels: fields.labels,
      user: { ...fields.user },
      comments: 0,
      created_at: now,
      updated_at: now,
      closed_at: null,
      html_url: `https://github.com/${r.owner}/${r.repo}/${kind}/${number}`,
      url,
      comments_url: `${url}/comments`,
      repository_url: deps.repoUrl(r.owner, r.repo),
      ...(fields.pullRequest ? { pull_request: { url: `${deps.repoUrl(r.owner, r.repo)}/pulls/${number}`, html_url: `https://github.com/${r.owner}/${r.repo}/pull/${number}` } } : {}),
    };
    r.issues.push(issue);
    return issue;
  };

  const setState = (issue: FakeIssue, state: 'open' | 'closed', reason: FakeIssue['state_reason'] | undefined): void => {
    if (state === 'closed') {
      if (issue.state === 'open') issue.closed_at = timestamp();
      issue.state_reason = reason ?? 'completed';
    } else if (issue.state === 'closed') {
      issue.closed_at = null;
      issue.state_reason = 'reopened';
    }
    issue.state = state;
  };

  const list = (ctx: RequestContext): Reply => {
    const r = stateOf(ctx);
    const q = ctx.url.searchParams;
    const state = q.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) return validationFailed([{ resource: 'Issue', code: 'invalid', field: 'state' }]);
    const wanted = (q.get('labels') ?? '').split(',').map((l) => l.trim().toLowerCase()).filter((l) => l !== '');
    const sort = q.get('sort') ?? 'created';
    const ascending = q.get('direction') === 'asc';
    const key = (i: FakeIssue): string => (sort === 'updated' ? i.updated_at : i.created_at);
    const items = r.issues
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => wanted.every((w) => i.labels.some((l) => l.name.toLowerCase() === w)))
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number) * (ascending ? 1 : -1))
      .map((i) => withCount(r, i));
    return pagedReply(items, ctx);
  };

  const create = (ctx: RequestContext): Reply => {
    const r = stateOf(ctx);
    const { title, body, labels } = ctx.json;
    if (typeof title !== 'string' || title.trim() === '') return validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
    if (charCount(title) > 256) return validationFailed([{ resource: 'Issue', code: 'custom', field: 'title', message: 'title is too long (maximum is 256 characters)' }]);
    const invalid = checkBody(body);
    if (invalid) return invalid;
    const found = labels === undefined ? [] : labelsOf(r, labels);
    if (!Array.isArray(found)) return found;
    const issue = newIssue(r, { title, body: typeof body === 'string' ? body : null, labels: found, user: ctx.caller });
    return { status: 201, body: withCount(r, issue), headers: { location: issue.url } };
  };

  const update = (ctx: RequestContext): Reply => {
    const r = stateOf(ctx);
    const issue = r.issues.find((i) => i.number === Number(ctx.params[2]));
    if (!issue) return errorReply(404, 'Not Found');
    const { title, body, state, state_reason: reason, labels } = ctx.json;
    if (title !== undefined && (typeof title !== 'string' || title.trim() === '')) return validationFailed([{ resource: 'Issue', code: 'invalid', field: 'title' }]);
    const invalid = checkBody(body);
    if (invalid) return invalid;
    if (state !== undefined && state !== 'open' && state !== 'closed') return validationFailed([{ resource: 'Issue', code: 'invalid', field: 'state' }]);
    if (reason !== undefined && reason !== null && !(ISSUE_STATE_REASONS as readonly unknown[]).includes(reason)) {
      return validationFailed([{ resource: 'Issue', code: 'invalid', field: 'state_reason' }]);
    }
    const found = labels === undefined ? undefined : labelsOf(r, labels);
    if (found !== undefined && !Array.isArray(found)) return found;
    if (typeof title === 'string') issue.title = title;
    if (body !== undefined) issue.body = typeof body === 'string' ? body : null;
    if (found) issue.labels = found;
    if (state === 'open' || state === 'closed') setState(issue, state, reason as FakeIssue['state_reason'] | undefined);
    issue.updated_at = timestamp();
    return { status: 200, body: withCount(r, issue) };
  };

  const createLabel = (ctx: RequestContext): Reply => {
    const r = stateOf(ctx);
    const { name, color, description } = ctx.json;
    if (typeof name !== 'string' || name.trim() === '') return validationFailed([{ resource: 'Label', code: 'missing_field', field: 'name' }]);
    const hex = typeof color === 'string' ? color.replace(/^#/, '') : 'ededed';
    if (!/^[0-9a-f]{6}$/i.test(hex)) return validationFailed([{ resource: 'Label', code: 'invalid', field: 'color' }]);
    if (findLabel(r, name)) return validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    const label = newLabel(r, name, hex.toLowerCase(), typeof description === 'string' ? description : null);
    return { status: 201, body: label };
  };

  const routes: RouteDef[] = [
    { pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, group: 'issues', methods: { GET: list, POST: create } },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/,
      group: 'issues',
      methods: {
        GET: (ctx) => {
          const r = stateOf(ctx);
          const issue = r.issues.find((i) => i.number === Number(ctx.params[2]));
          return issue ? { status: 200, body: withCount(r, issue) } : errorReply(404, 'Not Found');
        },
        PATCH: update,
      },
    },
    { pattern: /^\/repos\/([^/]+)\/([^/]+)\/labels$/, group: 'issues', methods: { GET: (ctx) => pagedReply(stateOf(ctx).labels, ctx), POST: createLabel } },
    {
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/labels\/([^/]+)$/,
      group: 'issues',
      methods: {
        GET: (ctx) => {
          const label = findLabel(stateOf(ctx), ctx.params[2] ?? '');
          return label ? { status: 200, body: label } : errorReply(404, 'Not Found');
        },
      },
    },
  ];

  const handle: IssuesHandle = {
    issues: (owner, repo) => {
      const r = repoOf(owner, repo);
      return structuredClone(r.issues.map((i) => withCount(r, i)));
    },
    addIssue: (owner, repo, seed = {}) => {
      const r = repoOf(owner, repo);
      const labels = (seed.labels ?? []).map((name) => findLabel(r, name) ?? newLabel(r, name, 'ededed', null));
      const issue = newIssue(r, { title: seed.title ?? 'An issue', body: seed.body ?? null, labels, user: seed.user ?? HUMAN, pullRequest: seed.pullRequest });
      if (seed.state === 'closed') setState(issue, 'closed', 'completed');
      return structuredClone(withCount(r, issue));
    },
    labels: (owner, repo) => structuredClone(repoOf(owner, repo).labels),
  };
  return { routes, handle };
}
