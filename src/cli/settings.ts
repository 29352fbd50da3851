/**
 * Settings for a terminal run: the command line's options are handed to the action's own
 * validation (`buildSettings`) as the inputs they mirror, so defaults and messages are the same.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { buildSettings, type Command, type EventInfo, InputError, type Settings } from '../settings.js';
import { type InputSpec, NOT_OPTIONS, offers, optionKey } from './inputs.js';
import { inOptionTerms } from './wording.js';

/** The event name of a terminal run: no pull request, no push, so `modeFor` follows `command`. */
export const CLI_EVENT = 'cli';

export interface CliRun {
  readonly command: Command;
  /** The parsed options, keyed as commander keys them. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly inputs: readonly InputSpec[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Inputs the caller decides (the sandbox turns comments on, an apply allows itself to be unreviewed). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** The event, when the caller plays one (the sandbox plays pull requests and merges). */
  readonly event?: EventInfo;
}

/** How a terminal run gets Alibaba Cloud credentials: the standard credential chain. */
const CLI_CREDENTIALS =
  'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for an STS key), or configure a profile with `aliyun configure`';

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function optionText(value: unknown): string {
  if (value === undefined || value === false) return '';
  if (value === true) return 'true';
  return Array.isArray(value) ? value.map(String).join('\n') : String(value);
}

/** The commit checked out in `root`, for the record; empty outside a git repository. */
export function headCommit(root: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The top of the git checkout `cwd` is in, as git finds it; undefined outside one. */
export function checkoutRoot(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `--root`, else the checkout the command runs in (from a subfolder too, as git does), else the current directory. */
export function rootOf(options: Readonly<Record<string, unknown>>, cwd: string): string {
  const given = optionText(options.root);
  return given ? resolve(cwd, given) : (checkoutRoot(cwd) ?? resolve(cwd));
}

/** The action's input names in its messages become the command line's options. */
function inCliTerms(error: InputError, run: CliRun): InputError {
  const options = new Set(run.inputs.map((s) => s.name).filter((name) => offers(run.command, name, run.env)));
  return new InputError(error.problems.map((problem) => inOptionTerms(problem, options)));
}

export function cliSettings(run: CliRun): Settings {
  try {
    return settingsOf(run);
  } catch (error) {
    throw error instanceof InputError ? inCliTerms(error, run) : error;
  }
}

function settingsOf(run: CliRun): Settings {
  const { options, env } = run;
  const repo = optionText(options.repo);
  if (repo && !REPO.test(repo)) throw new InputError([`Option \`--repo\` must be owner/name, got "${repo}".`]);
  if (repo && !env.GITHUB_TOKEN && !env.GH_TOKEN && !run.overrides?.['github-token']) throw new InputError(['Option `--repo` reads the record from GitHub: set GITHUB_TOKEN or GH_TOKEN to a token that can read its deployments.']);
  const root = rootOf(options, run.cwd);
  const specs = new Map(run.inputs.map((s) => [s.name, s]));
  const input = (name: string): string => {
    const override = run.overrides?.[name];
    if (override !== undefined) return override;
    if (name === 'command') return run.command;
    // A token is only of use with a repository to talk to.
    if (name === 'github-token') return repo ? (env.GITHUB_TOKEN || env.GH_TOKEN || '') : '';
    if (name === 'comment') return 'false';
    if (NOT_OPTIONS.has(name)) return '';
    const given = optionText(options[optionKey(name)]);
    return given || (specs.get(name)?.default ?? '');
  };
  const [owner = '', name = ''] = repo.split('/');
  const sha = run.event ? run.event.sha : headCommit(root);
  // The record says which commit was applied: an apply that writes it needs one.
  if (repo && run.command === 'apply' && !sha) {
    throw new InputError([`Option \`--repo\` records the commit that was applied, and ${root} is not a git checkout with a commit: run apply in the checkout of ${repo} (or give --root), or leave out --repo.`]);
  }
  const event = run.event ?? { name: CLI_EVENT, owner, repo: name, sha, pushToDefaultBranch: false, fromFork: false };
  return buildSettings(input, env, { root, event: () => event, githubAccess: '--repo owner/name with GITHUB_TOKEN or GH_TOKEN', cloudAccess: CLI_CREDENTIALS });
}
