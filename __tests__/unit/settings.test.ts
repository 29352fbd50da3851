import { describe, expect, it } from 'vitest';
import { InputError, defaultCommentKey, parseEndpoint, readSettings } from '../../src/settings.js';
import { formatDuration, parseDuration } from '../../src/duration.js';

const context = {
  eventName: 'pull_request',
  payload: {
    pull_request: { number: 5, head: { sha: 'abc', repo: { full_name: 'a/b' } }, base: { repo: { full_name: 'a/b' } } },
    repository: { default_branch: 'main' },
  },
  sha: 'merge-sha',
  ref: 'refs/pull/5/merge',
  repo: { owner: 'a', repo: 'b' },
  serverUrl: 'https://github.com',
  runId: 9,
};

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('readSettings', () => {
  it('applies defaults and reads the event', () => {
    const s = readSettings(reader({}), { GITHUB_WORKSPACE: '/repo', GITHUB_RUN_ID: '9' }, context);
    expect(s.command).toBe('auto');
    expect(s.definitions).toEqual(['connectors/**/*.yaml', 'connectors/**/*.yml']);
    expect(s.endpoint).toEqual({ host: 'ververica.cn-hangzhou.aliyuncs.com', protocol: 'https' });
    expect(s.timeoutMs).toBe(600_000);
    expect(s.parallelism).toBe(4);
    expect(s.root).toBe('/repo');
    expect(s.event).toMatchObject({ name: 'pull_request', pullNumber: 5, sha: 'abc', fromFork: false, runUrl: 'https://github.com/a/b/actions/runs/9' });
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('reads the impact inputs: on by default, 2000 tables, deletes in use refused', () => {
    expect(readSettings(reader({}), {}, context)).toMatchObject({ impact: true, impactScanLimit: 2000, protectInUse: true });
    expect(readSettings(reader({ impact: 'false', 'impact-scan-limit': '50', 'protect-in-use': 'no' }), {}, context)).toMatchObject({ impact: false, impactScanLimit: 50, protectInUse: false });
    expect(() => readSettings(reader({ 'impact-scan-limit': '0' }), {}, context)).toThrow(/impact-scan-limit/);
  });

  it('collects every bad input at once', () => {
    let error: unknown;
    try {
      readSettings(reader({ timeout: 'banana', parallelism: '0', command: 'destroy', prune: 'maybe', endpoint: 'ftp://x' }), {}, context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems.join('\n');
    expect(problems).toContain('`timeout`');
    expect(problems).toContain('`parallelism`');
    expect(problems).toContain('`command`');
    expect(problems).toContain('`prune`');
    expect(problems).toContain('`endpoint`');
  });

  it('reads settle: 30 s by default, never beyond timeout', () => {
    expect(readSettings(reader({}), {}, context).settleMs).toBe(30_000);
    expect(readSettings(reader({ settle: '5s' }), {}, context).settleMs).toBe(5_000);
    expect(readSettings(reader({ timeout: '3s' }), {}, context).settleMs).toBe(3_000);
    expect(() => readSettings(reader({ settle: 'soon' }), {}, context)).toThrow(/Input `settle` must be a duration/);
  });

  it('requires both halves of an access key pair', () => {
    expect(() => readSettings(reader({ 'access-key-id': 'id' }), {}, context)).toThrow(/go together/);
  });

  it('detects pull requests from forks and pushes to the default branch', () => {
    const fork = readSettings(reader({}), {}, {
      ...context,
      payload: { pull_request: { number: 1, head: { repo: { full_name: 'x/b' } }, base: { repo: { full_name: 'a/b' } } } },
    });
    expect(fork.event.fromFork).toBe(true);
    const push = readSettings(reader({}), {}, { ...context, eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } });
    expect(push.event.pushToDefaultBranch).toBe(true);
    const other = readSettings(reader({}), {}, { ...context, eventName: 'push', ref: 'refs/heads/dev', payload: { repository: { default_branch: 'main' } } });
    expect(other.event.pushToDefaultBranch).toBe(false);
    // The push's range starts at `before`; a new branch's all-zero `before` is no commit.
    const pushed = (before: unknown, eventName = 'push') => readSettings(reader({}), {}, { ...context, eventName, ref: 'refs/heads/main', payload: { before, repository: { default_branch: 'main' } } }).event.before;
    expect(pushed('AB'.repeat(20))).toBe('ab'.repeat(20));
    expect(pushed('0'.repeat(40))).toBeUndefined();
    expect(pushed('main')).toBeUndefined();
    expect(pushed('ab'.repeat(20), 'workflow_dispatch')).toBeUndefined();
  });
});

describe('readSettings: who opened the pull request', () => {
  const pr = (fields: Record<string, unknown>) => ({ ...context, payload: { pull_request: { number: 1, ...fields } } });

  it.each([
    ['a deleted fork (head.repo null)', { head: { sha: 'abc', repo: null }, base: { repo: { full_name: 'a/b' } } }, true],
    ['no head repository at all', { head: { sha: 'abc' }, base: { repo: { full_name: 'a/b' } } }, true],
    ['no base repository: the run\'s repository counts', { head: { repo: { full_name: 'a/b' } } }, false],
    ['the same repository', { head: { repo: { full_name: 'a/b' } }, base: { repo: { full_name: 'a/b' } } }, false],
  ])('%s', (_name, fields, fork) => {
    expect(readSettings(reader({}), {}, pr(fields)).event.fromFork).toBe(fork);
  });

  it('knows Dependabot by the author or the actor', () => {
    const same = { head: { repo: { full_name: 'a/b' } }, base: { repo: { full_name: 'a/b' } } };
    expect(readSettings(reader({}), {}, pr({ ...same, user: { login: 'dependabot[bot]' } })).event.fromDependabot).toBe(true);
    expect(readSettings(reader({}), { GITHUB_ACTOR: 'dependabot[bot]' }, pr(same)).event.fromDependabot).toBe(true);
    expect(readSettings(reader({}), { GITHUB_ACTOR: 'octocat' }, pr({ ...same, user: { login: 'octocat' } })).event.fromDependabot).toBe(false);
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['127.0.0.1:8787', { host: '127.0.0.1:8787', protocol: 'https' }],
    ['http://127.0.0.1:8787', { host: '127.0.0.1:8787', protocol: 'http' }],
    ['https://ververica.cn-shanghai.aliyuncs.com', { host: 'ververica.cn-shanghai.aliyuncs.com', protocol: 'https' }],
  ])('%s', (raw, expected) => {
    expect(parseEndpoint(raw, 'cn-hangzhou')).toEqual(expected);
  });
  it('refuses paths and credentials', () => {
    expect(parseEndpoint('https://host/path', 'r')).toMatch(/without a path/);
    expect(parseEndpoint('https://u:p@host', 'r')).toMatch(/credentials/);
  });
});

describe('durations', () => {
  it('parses the documented forms', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('banana')).toBeUndefined();
    expect(parseDuration('10')).toBeUndefined();
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 m 05 s');
    expect(formatDuration(59_960)).toBe('1 m 00 s');
    expect(formatDuration(119_700)).toBe('2 m 00 s');
  });
});

describe('defaultCommentKey', () => {
  it('is stable for the same definitions and differs for another target', () => {
    const a = defaultCommentKey({ definitions: ['x/*.yaml', 'y/*.yaml'], defaultWorkspaceId: 'w', defaultNamespace: 'n' });
    const b = defaultCommentKey({ definitions: ['y/*.yaml', 'x/*.yaml'], defaultWorkspaceId: 'w', defaultNamespace: 'n' });
    const c = defaultCommentKey({ definitions: ['x/*.yaml', 'y/*.yaml'], defaultWorkspaceId: 'w', defaultNamespace: 'other' });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe('definitions input', () => {
  it('refuses patterns that leave the repository', () => {
    for (const pattern of ['../other/*.yaml', '/etc/*.yaml', 'connectors/../../x.yaml', '!../x.yaml', '~/defs/*.yaml', '!~/x.yaml', 'C:\\defs\\*.yaml', '\\\\host\\share\\*.yaml']) {
      expect(() => readSettings((name) => (name === 'definitions' ? pattern : ''), {}, context), pattern).toThrow(/patterns are relative to the repository root/);
    }
    expect(readSettings((name) => (name === 'definitions' ? 'a/**/*.yaml\n!a/skip/*.yaml' : ''), {}, context).definitions).toEqual(['a/**/*.yaml', '!a/skip/*.yaml']);
  });
});
