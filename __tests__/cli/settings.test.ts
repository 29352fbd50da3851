import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type InputSpec, NOT_OPTIONS, actionYmlPath, parseInputs, readInputs } from '../../src/cli/inputs.js';
import { buildProgram } from '../../src/cli/program.js';
import { CLI_EVENT, cliSettings } from '../../src/cli/settings.js';
import { InputError, readSettings } from '../../src/settings.js';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

const inputs = readInputs();
const context = { eventName: 'push', payload: {}, sha: 's', ref: 'refs/heads/x', repo: { owner: 'a', repo: 'b' }, serverUrl: 'https://github.com', runId: 1 };
const sink = { write: () => true };
const io = { stdout: sink, stderr: sink, stdin: process.stdin, env: {}, cwd: '/repo' };

/** The action's settings for `values`, as the runner passes them: action.yml defaults for inputs not given. */
function actionSettings(values: Record<string, string>) {
  const defaults = Object.fromEntries(inputs.map((s) => [s.name, s.default ?? '']));
  return readSettings((name) => values[name] ?? defaults[name] ?? '', { GITHUB_WORKSPACE: '/repo' }, context);
}

function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
  return [];
}

function optionsOf(command: string, table: readonly InputSpec[] = inputs): string[] {
  const { program } = buildProgram(io, table);
  const sub = program.commands.find((c) => c.name() === command);
  return (sub?.options ?? []).map((o) => o.long ?? '');
}

describe('command-line settings go through the action validation', () => {
  it('reads action.yml from the package root', () => {
    expect(actionYmlPath()).toBe(join(PROJECT_ROOT, 'action.yml'));
  });

  it('gives the same settings as the same inputs do in the action', () => {
    const values = { 'workspace-id': 'ws-1', namespace: 'ns', timeout: '90s', settle: '5s', parallelism: '8', prune: 'true', definitions: 'flink/*.yaml\nmore/*.yml' };
    const cli = cliSettings({
      command: 'plan',
      options: { workspaceId: 'ws-1', namespace: 'ns', timeout: '90s', settle: '5s', parallelism: '8', prune: true, definitions: ['flink/*.yaml', 'more/*.yml'] },
      inputs,
      env: {},
      cwd: '/repo',
    });
    const action = actionSettings({ ...values, command: 'plan', comment: 'false', 'github-token': '' });
    // The event and how GitHub access is given are the terminal's own; everything else is the action's.
    expect({ ...cli, event: undefined, githubAccess: undefined, cloudAccess: undefined }).toEqual({ ...action, event: undefined, githubAccess: undefined });
    expect(cli.settleMs).toBe(5_000);
    expect(cli.event).toMatchObject({ name: CLI_EVENT, owner: '', repo: '' });
    expect(cli.githubAccess).toBe('--repo owner/name with GITHUB_TOKEN or GH_TOKEN');
    expect(action.githubAccess).toBe('github-token or repository');
    expect(cli.cloudAccess).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
    expect(action.cloudAccess).toBeUndefined();
  });

  it('applies the defaults action.yml gives', () => {
    const cli = cliSettings({ command: 'plan', options: {}, inputs, env: {}, cwd: '/repo' });
    expect({ ...cli, event: undefined, githubAccess: undefined, cloudAccess: undefined }).toEqual({ ...actionSettings({ command: 'plan', comment: 'false', 'github-token': '' }), event: undefined, githubAccess: undefined });
  });

  it('refuses bad values with the action messages', () => {
    const bad = { timeout: 'banana', parallelism: '0', endpoint: 'ftp://x' };
    const cli = problemsOf(() => cliSettings({ command: 'plan', options: bad, inputs, env: {}, cwd: '/repo' }));
    expect(cli).toHaveLength(3);
    // The same messages, naming the options where the action names its inputs.
    expect(cli).toEqual(problemsOf(() => actionSettings(bad)).map((p) => p.replace(/Input `([a-z-]+)`/, 'Option `--$1`')));
    expect(cli[0]).toMatch(/^Option `--/);
  });

  it('takes the token from GITHUB_TOKEN or GH_TOKEN only with --repo, and checks --repo', () => {
    const env = { GH_TOKEN: 'gho_x' };
    expect(cliSettings({ command: 'plan', options: {}, inputs, env, cwd: '/' }).githubToken).toBeUndefined();
    const withRepo = cliSettings({ command: 'plan', options: { repo: 'acme/pipelines' }, inputs, env, cwd: '/' });
    expect(withRepo.githubToken).toBe('gho_x');
    expect(withRepo.event).toMatchObject({ owner: 'acme', repo: 'pipelines' });
    expect(problemsOf(() => cliSettings({ command: 'plan', options: { repo: 'nope' }, inputs, env, cwd: '/' }))).toEqual(['Option `--repo` must be owner/name, got "nope".']);
    expect(problemsOf(() => cliSettings({ command: 'plan', options: { repo: 'acme/pipelines' }, inputs, env: {}, cwd: '/' }))[0]).toContain('set GITHUB_TOKEN or GH_TOKEN');
  });
});

describe('command-line options come from action.yml', () => {
  it('offers every input as an option of plan, apply and export, except those given another way or meaningless on a terminal', () => {
    const terminal = new Set(['drift-issue', 'fail-on-drift', 'export-path', 'allow-unreviewed-changes', 'role-arn', 'oidc-provider-arn', 'role-session-name', 'audience', 'sts-endpoint']);
    const expected = inputs.filter((s) => !NOT_OPTIONS.has(s.name) && !terminal.has(s.name)).map((s) => `--${s.name}`);
    expect(expected.length).toBeGreaterThan(10);
    for (const command of ['plan', 'apply', 'export']) expect(optionsOf(command)).toEqual(expect.arrayContaining(expected));
    expect(optionsOf('plan')).not.toContain('--access-key-secret');
    expect(optionsOf('export')).toContain('--export-path');
  });

  it('makes an input added to action.yml an option with no other edit', () => {
    const yml = readFileSync(actionYmlPath(), 'utf8').replace('\noutputs:', '\n  brand-new:\n    description: Something new.\n    default: "false"\n\noutputs:');
    const table = parseInputs(yml);
    expect(table.find((s) => s.name === 'brand-new')).toEqual({ name: 'brand-new', description: 'Something new.', default: 'false', boolean: true });
    expect(optionsOf('plan', table)).toContain('--brand-new');
    expect(optionsOf('plan')).not.toContain('--brand-new');
  });
});
