/**
 * The only reader of action inputs and of the runner's environment. Everything else receives the
 * typed, frozen `Settings` built here, so tests can build one directly.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { NAME_PATTERN } from './definitions/validate.js';
import { parseDuration } from './duration.js';
import { DEFAULT_AUDIENCE, type OidcOptions, validateOidcOptions } from './ververica/oidc-options.js';

export const COMMANDS = ['auto', 'plan', 'apply', 'export', 'check'] as const;
export type Command = (typeof COMMANDS)[number];

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** Keyless sign-in: a GitHub ID token traded for STS credentials of a RAM role. */
export type OidcSettings = OidcOptions;

export interface EventInfo {
  /** `GITHUB_EVENT_NAME`: pull_request, push, workflow_dispatch, ... */
  readonly name: string;
  readonly owner: string;
  readonly repo: string;
  /** The commit the run is about (the PR head for pull requests). */
  readonly sha: string;
  /** The PR number on pull_request events. */
  readonly pullNumber?: number;
  /** On push: whether the pushed ref is the repository's default branch. */
  readonly pushToDefaultBranch: boolean;
  /**
   * True for a PR whose head is not known to live in the base repository (no secrets, read-only
   * token): GitHub sends no head repository once a fork is deleted.
   */
  readonly fromFork: boolean;
  /** True for a PR Dependabot opened: its runs get Dependabot's secrets, not the repository's. */
  readonly fromDependabot?: boolean;
  /** Link to this run, for reports. */
  readonly runUrl?: string;
  /** On push: the commit the branch pointed to before (`before`), when it existed. */
  readonly before?: string;
}

export interface Settings {
  /** `command`: what to do; `auto` follows the event. */
  readonly command: Command;
  /** `definitions`: glob patterns of definition files, relative to `root`. */
  readonly definitions: readonly string[];
  /** The repository checkout (`GITHUB_WORKSPACE`, else the current directory). */
  readonly root: string;
  /** `region-id` */
  readonly regionId: string;
  /** Host (and port) of the API and the protocol to reach it with. */
  readonly endpoint: { readonly host: string; readonly protocol: 'http' | 'https' };
  /** `workspace-id` / `namespace`: defaults for definitions that name no target. */
  readonly defaultWorkspaceId?: string;
  readonly defaultNamespace?: string;
  /** Static credentials from inputs; undefined means the standard Alibaba Cloud credential chain. */
  readonly credentials?: Credentials;
  /** `role-arn`, `oidc-provider-arn`, ...: keyless sign-in, when set. */
  readonly oidc?: OidcSettings;
  /** `github-token` */
  readonly githubToken?: string;
  /** `GITHUB_API_URL`: the REST API to talk to (GitHub Enterprise, or a local fake in tests). */
  readonly githubApiUrl: string;
  /** `comment`: post the plan as a PR comment. */
  readonly comment: boolean;
  /** `comment-key`: distinguishes the comments of several jobs on one PR. */
  readonly commentKey: string;
  /** `prune`: delete live connectors that no definition declares. */
  readonly prune: boolean;
  /** `record`: keep the record of applied connectors as GitHub deployments. */
  readonly record: boolean;
  /** `allow-deletes`: when false, a plan that deletes anything fails. */
  readonly allowDeletes: boolean;
  /** `impact`: read which deployments and tables each replace and delete touches. */
  readonly impact: boolean;
  /** `impact-scan-limit`: catalog tables read per target at most. */
  readonly impactScanLimit: number;
  /** `verify`: validate the SQL of the jobs using each replaced connector before and after; roll back a regression. */
  readonly verify: boolean;
  /** `verify-limit`: deployments validated per replaced connector at most. */
  readonly verifyLimit: number;
  /** `protect-in-use`: when true, a plan that deletes a connector used by running jobs fails. */
  readonly protectInUse: boolean;
  /** `allow-unreviewed-changes`: apply even when the plan differs from the one reviewed on the PR. */
  readonly allowUnreviewedChanges: boolean;
  /** `drift-issue`: a check keeps one issue per comment key open while the workspace drifts. */
  readonly driftIssue: boolean;
  /** `fail-on-drift`: a check that finds drift fails. */
  readonly failOnDrift: boolean;
  /** `export-path`: where `command: export` writes definition files, relative to `root`. */
  readonly exportPath: string;
  /** `timeout`: how long to wait for each connector to settle, in ms. */
  readonly timeoutMs: number;
  /** `settle`: how long an unclear answer's effect is looked for before deciding, in ms (at most `timeoutMs`). */
  readonly settleMs: number;
  /** `parallelism`: concurrent operations during apply and listing. */
  readonly parallelism: number;
  /** `max-retries`: retries of a transient API failure. */
  readonly maxRetries: number;
  /** `request-timeout`: bound of one API request, in ms. */
  readonly requestTimeoutMs: number;
  /** `RUNNER_TEMP`: where short-lived private files (the ID token) may be written. */
  readonly tempDir?: string;
  /** `GITHUB_ACTION_REPOSITORY` and `GITHUB_ACTION_REF`: the release of this action the workflow runs. */
  readonly actionRelease?: { readonly repository: string; readonly ref: string };
  /** Every secret value the action was given, for scrubbing. */
  readonly secrets: readonly string[];
  readonly event: EventInfo;
  /** What gives the run GitHub access, as its user gives it, for saying what is missing when it has none. */
  readonly githubAccess: string;
  /** How to give the run Alibaba Cloud credentials, as its user gives them (default: the action's inputs). */
  readonly cloudAccess?: string;
}

/** The part of `github.context` the action uses (a plain object in tests). */
export interface RunnerContext {
  readonly eventName: string;
  readonly payload: Record<string, unknown>;
  readonly sha: string;
  readonly ref: string;
  /** May throw outside a repository (GITHUB_REPOSITORY unset). */
  readonly repo: { owner: string; repo: string };
  readonly serverUrl: string;
  readonly runId: number;
}

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export type InputReader = (name: string) => string;

/** `request-timeout`: one answer may take from 1 s to 10 min. */
export const REQUEST_TIMEOUT_BOUNDS = { min: '1s', max: '10m' } as const;
/** `timeout`: how long a change may take to show, at most 6 h (a job's own limit). */
export const TIMEOUT_BOUNDS = { min: '1ms', max: '6h' } as const;

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/**
 * Reads and validates all inputs. Secrets are masked before anything else happens, so even a
 * validation message cannot reveal them. All problems are collected, then thrown together.
 */
export function readSettings(
  input: InputReader = (name) => core.getInput(name),
  env: NodeJS.ProcessEnv = process.env,
  context: RunnerContext = github.context as unknown as RunnerContext,
): Settings {
  return buildSettings(input, env, { root: env.GITHUB_WORKSPACE || process.cwd(), event: () => readEvent(context, env), mask: (secret) => core.setSecret(secret) });
}

/** What a run is about, besides its inputs: the action reads it from the runner, the command line from its own options. */
export interface RunSource {
  readonly root: string;
  readonly event: () => EventInfo;
  /** Hides a secret from the log before anything else is done with it. */
  readonly mask?: (secret: string) => void;
  /** What gives the run GitHub access, as its user gives it (default: the action's inputs). */
  readonly githubAccess?: string;
  /** How to give the run Alibaba Cloud credentials, as its user gives them (default: the action's inputs). */
  readonly cloudAccess?: string;
}

/**
 * The one place inputs are validated and defaulted, whoever supplies them: the action (from
 * `INPUT_*`) or the command line (from its options, named as the inputs are).
 */
export function buildSettings(input: InputReader, env: NodeJS.ProcessEnv, source: RunSource): Settings {
  const accessKeyId = input('access-key-id').trim();
  const accessKeySecret = input('access-key-secret').trim();
  const securityToken = input('security-token').trim();
  const githubToken = input('github-token').trim();
  for (const secret of [accessKeySecret, securityToken, githubToken]) if (secret) source.mask?.(secret);

  const problems: string[] = [];
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = input(name).trim().toLowerCase();
    if (!raw) return fallback;
    if (TRUE.has(raw)) return true;
    if (FALSE.has(raw)) return false;
    problems.push(`Input \`${name}\` must be true or false, got "${raw}".`);
    return fallback;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = input(name).trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`Input \`${name}\` must be a whole number from ${min} to ${max}, got "${raw}".`);
      return fallback;
    }
    return value;
  };
  // Bounded so that no timer overflows (Node fires a delay above 2^31 ms after 1 ms) and a run's
  // worst case stays within a job's own limit (see docs/reliability.md).
  const duration = (name: string, fallback: string, bounds: { min: string; max: string }): number => {
    const raw = input(name).trim() || fallback;
    const ms = parseDuration(raw);
    if (ms === undefined || ms <= 0) {
      problems.push(`Input \`${name}\` must be a duration such as 90s, 10m or 1h, got "${raw}".`);
      return parseDuration(fallback) ?? 0;
    }
    if (ms < (parseDuration(bounds.min) ?? 0) || ms > (parseDuration(bounds.max) ?? 0)) {
      problems.push(`Input \`${name}\` must be from ${bounds.min} to ${bounds.max}, got "${raw}".`);
      return parseDuration(fallback) ?? 0;
    }
    return ms;
  };

  const commandRaw = (input('command').trim() || 'auto').toLowerCase();
  const command = (COMMANDS as readonly string[]).includes(commandRaw) ? (commandRaw as Command) : 'auto';
  if (command !== commandRaw) problems.push(`Input \`command\` must be one of ${COMMANDS.join(', ')}, got "${commandRaw}".`);

  const definitions = splitLines(input('definitions'));
  for (const pattern of definitions) {
    // `~` is not expanded by the glob library: it would silently match nothing.
    if (pattern.replace(/^!/, '').split(/[\\/]/).includes('..') || /^!?([/\\~]|[A-Za-z]:)/.test(pattern)) {
      problems.push(`Input \`definitions\` patterns are relative to the repository root and must stay inside it, got "${pattern}".`);
    }
  }
  const regionId = input('region-id').trim() || 'cn-hangzhou';
  if (!/^[a-z0-9-]+$/.test(regionId)) problems.push(`Input \`region-id\` is not a region ID: "${regionId}".`);
  const endpoint = parseEndpoint(input('endpoint').trim(), regionId);
  if (typeof endpoint === 'string') problems.push(endpoint);

  if ((accessKeyId === '') !== (accessKeySecret === '')) {
    problems.push('Inputs `access-key-id` and `access-key-secret` go together: set both, or neither to use the credential chain.');
  }
  if (securityToken && !accessKeyId) problems.push('Input `security-token` needs `access-key-id` and `access-key-secret`.');

  const roleArn = input('role-arn').trim();
  const oidcProviderArn = input('oidc-provider-arn').trim();
  if ((roleArn === '') !== (oidcProviderArn === '')) problems.push('Inputs `role-arn` and `oidc-provider-arn` go together for keyless sign-in: set both.');
  if (roleArn && accessKeyId) problems.push('Use either `access-key-id`/`access-key-secret` or `role-arn`/`oidc-provider-arn`, not both.');
  const oidc: OidcSettings | undefined =
    roleArn && oidcProviderArn
      ? {
          roleArn,
          oidcProviderArn,
          roleSessionName: input('role-session-name').trim() || `github-${env.GITHUB_RUN_ID ?? 'run'}`.slice(0, 64),
          audience: input('audience').trim() || DEFAULT_AUDIENCE,
          stsEndpoint: input('sts-endpoint').trim() || undefined,
        }
      : undefined;
  for (const name of ['workspace-id', 'namespace']) {
    const value = input(name).trim();
    if (value && !NAME_PATTERN.test(value)) problems.push(`Input \`${name}\` may hold only letters, digits, '.', '_' and '-' (starting with a letter or digit), got "${value}".`);
  }
  if (oidc) problems.push(...validateOidcOptions(oidc));
  const exportPath = input('export-path').trim() || 'connectors/exported/';
  if (exportPath.split(/[\\/]/).includes('..') || exportPath.startsWith('/')) problems.push(`Input \`export-path\` must be a relative path inside the repository, got "${exportPath}".`);

  const timeoutMs = duration('timeout', '10m', TIMEOUT_BOUNDS);
  const settings: Settings = {
    command,
    definitions: definitions.length > 0 ? definitions : ['connectors/**/*.yaml', 'connectors/**/*.yml'],
    root: source.root,
    regionId,
    endpoint: typeof endpoint === 'string' ? { host: '', protocol: 'https' } : endpoint,
    defaultWorkspaceId: input('workspace-id').trim() || undefined,
    defaultNamespace: input('namespace').trim() || undefined,
    credentials: accessKeyId ? { accessKeyId, accessKeySecret, securityToken: securityToken || undefined } : undefined,
    oidc,
    githubToken: githubToken || undefined,
    githubApiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    comment: bool('comment', true),
    commentKey: input('comment-key').trim(),
    prune: bool('prune', false),
    record: bool('record', true),
    allowDeletes: bool('allow-deletes', true),
    allowUnreviewedChanges: bool('allow-unreviewed-changes', false),
    driftIssue: bool('drift-issue', true),
    failOnDrift: bool('fail-on-drift', false),
    impact: bool('impact', true),
    impactScanLimit: integer('impact-scan-limit', 2000, 1, 1_000_000),
    protectInUse: bool('protect-in-use', true),
    verify: bool('verify', true),
    verifyLimit: integer('verify-limit', 50, 1, 10_000),
    exportPath,
    timeoutMs,
    // Never beyond `timeout`: a short `timeout` in tests or small workflows bounds the look too.
    settleMs: Math.min(duration('settle', '30s', TIMEOUT_BOUNDS), timeoutMs),
    parallelism: integer('parallelism', 4, 1, 64),
    maxRetries: integer('max-retries', 4, 0, 10),
    requestTimeoutMs: duration('request-timeout', '30s', REQUEST_TIMEOUT_BOUNDS),
    tempDir: env.RUNNER_TEMP || undefined,
    actionRelease: env.GITHUB_ACTION_REPOSITORY && env.GITHUB_ACTION_REF ? { repository: env.GITHUB_ACTION_REPOSITORY, ref: env.GITHUB_ACTION_REF } : undefined,
    secrets: [accessKeySecret, securityToken, githubToken].filter((s) => s !== ''),
    event: source.event(),
    githubAccess: source.githubAccess ?? 'github-token or repository',
    ...(source.cloudAccess !== undefined ? { cloudAccess: source.cloudAccess } : {}),
  };
  if (problems.length > 0) throw new InputError(problems);
  return Object.freeze({ ...settings, commentKey: settings.commentKey || defaultCommentKey(settings) });
}

function splitLines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** `host[:port]` or an http(s) URL; empty means the region's public endpoint. */
export function parseEndpoint(raw: string, regionId: string): { host: string; protocol: 'http' | 'https' } | string {
  if (!raw) return { host: `ververica.${regionId}.aliyuncs.com`, protocol: 'https' };
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `Input \`endpoint\` must be host[:port] or an http(s) URL, got "${raw}".`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Input \`endpoint\` must use http or https, got "${url.protocol}".`;
  if (url.username || url.password) return 'Input `endpoint` must not contain credentials.';
  if (url.pathname !== '/' || url.search) return `Input \`endpoint\` must be a host without a path, got "${raw}".`;
  return { host: url.host, protocol: url.protocol === 'http:' ? 'http' : 'https' };
}

/** Default comment key: stable for the same definitions and default target, different otherwise. */
export function defaultCommentKey(settings: Pick<Settings, 'definitions' | 'defaultWorkspaceId' | 'defaultNamespace'>): string {
  const basis = [...settings.definitions].sort().join('\n') + `\n${settings.defaultWorkspaceId ?? ''}/${settings.defaultNamespace ?? ''}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < basis.length; i++) hash = Math.imul(hash ^ basis.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

function readEvent(
  context: RunnerContext,
  env: NodeJS.ProcessEnv,
): EventInfo {
  const payload = context.payload ?? {};
  const pr = payload.pull_request as unknown as
    | { number?: number; user?: { login?: string } | null; head?: { sha?: string; repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } | null } }
    | undefined;
  let owner = '';
  let repo = '';
  try {
    ({ owner, repo } = context.repo);
  } catch {
    // Outside a repository context (a local run): comments and records are simply unavailable.
  }
  const defaultBranch = (payload.repository as { default_branch?: string } | undefined)?.default_branch;
  const headRepo = pr?.head?.repo?.full_name;
  const baseRepo = pr?.base?.repo?.full_name ?? (owner ? `${owner}/${repo}` : undefined);
  // Only a present head repository equal to the base is the same repository; anything else fails closed.
  const sameRepository = !!headRepo && !!baseRepo && headRepo.toLowerCase() === baseRepo.toLowerCase();
  const dependabot = 'dependabot[bot]';
  const runUrl = env.GITHUB_RUN_ID && owner ? `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}` : undefined;
  return {
    name: context.eventName || 'unknown',
    owner,
    repo,
    sha: pr?.head?.sha || context.sha || '',
    pullNumber: typeof pr?.number === 'number' ? pr.number : undefined,
    pushToDefaultBranch: context.eventName === 'push' && !!defaultBranch && context.ref === `refs/heads/${defaultBranch}`,
    fromFork: pr !== undefined && !sameRepository,
    fromDependabot: pr !== undefined && (pr.user?.login === dependabot || env.GITHUB_ACTOR === dependabot),
    runUrl,
    ...(context.eventName === 'push' && typeof payload.before === 'string' && /^[0-9a-f]{40}$/i.test(payload.before) && !/^0+$/.test(payload.before) ? { before: payload.before.toLowerCase() } : {}),
  };
}
